/**
 * `lrdkit/train`: TF.js models of the cells, the copy task, the training loop, run folders and
 * checkpoints, and the copy-task reproduction (`lrdkit train`, `lrdkit reproduce copy-task`).
 * TF.js is loaded only when a training function is called.
 *
 * @module lrdkit/train
 */
export * from '../train/index.js';
