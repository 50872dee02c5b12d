/** User-facing fatal messages, one template each. */
export const messages = {
  crashed: (version: string, detail: string) =>
    `lossdoc crashed — this is a bug, please report it (lossdoc ${version}).\n${detail}`,
  noInputs: 'no input given: lossdoc analyze <file|dir|-> [more ...]',
  noBaseline: 'compare needs a reference run: lossdoc compare <run> --baseline <reference-run>',
  unknownRule: (id: string, known: string[]) => `unknown rule "${id}". Known rules: ${known.join(', ')}`,
  badChoice: (flag: string, value: string, choices: readonly string[]) =>
    `invalid value "${value}" for ${flag} (choose from: ${choices.join(', ')})`,
  fileExists: (path: string, kind: string) =>
    `${path} already exists; not overwriting it (edit it, or remove it and run lossdoc init${kind === 'config' ? '' : ` ${kind}`} again)`,
  configWritten: (path: string) => `wrote ${path}: edit it, then run lossdoc analyze <logs>`,
  callbackWritten: (path: string) =>
    `wrote ${path}: from ${path.replace(/\.py$/, '')} import LossdocCallback, then pass LossdocCallback(stop_on="error") to your Keras, Lightning or Hugging Face callbacks`,
  watchNeverAppeared: (path: string) => `${path}: never appeared or held no readable training log while watching`,
};
