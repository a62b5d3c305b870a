/**
 * One Ajv validator for Vega-Lite specs against the schema vega-lite ships
 * (node_modules/vega-lite/build/vega-lite-schema.json), shared by the report, recsys and
 * reproduction tests.
 *
 * strict: false because the Vega-Lite schema uses keywords that Ajv's strict mode rejects.
 * The schema marks some string fields with formats Ajv does not know without ajv-formats:
 * "uri" (`$schema`), "uri-reference" (data URLs) and "color-hex" (HexColor); Ajv printed
 * `unknown format "uri" ignored in schema ...` for each at every compile (151 lines per test
 * run). Vega itself resolves such strings (relative paths included) and parses colours, so
 * the formats are declared here as "accept any string" (`true`): exactly the validation as
 * before (Ajv ignored them), without the noise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

const root = fileURLToPath(new URL('../..', import.meta.url));

let validator: ValidateFunction | null = null;

/** The compiled Vega-Lite validator (compiled once per test file). */
export function vegaLiteValidator(): ValidateFunction {
  if (validator === null) {
    const schema = JSON.parse(readFileSync(join(root, 'node_modules/vega-lite/build/vega-lite-schema.json'), 'utf8')) as object;
    validator = new Ajv({ strict: false, allowUnionTypes: true, allErrors: true, formats: { uri: true, 'uri-reference': true, 'color-hex': true } }).compile(schema);
  }
  return validator;
}
