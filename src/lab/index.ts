/** The lab's server side, entered here by the CLI. */
export { runLab } from './run.js';
