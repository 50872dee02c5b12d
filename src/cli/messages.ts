/** User-facing fatal messages, one template each. */
export const messages = {
  crashed: (version: string, detail: string) =>
    `lossdoc crashed — this is a bug, please report it (lossdoc ${version}).\n${detail}`,
  noInputs: 'no input given: lossdoc analyze <file|dir|-> [more ...]',
  unknownRule: (id: string, known: string[]) => `unknown rule "${id}". Known rules: ${known.join(', ')}`,
  badChoice: (flag: string, value: string, choices: readonly string[]) =>
    `invalid value "${value}" for ${flag} (choose from: ${choices.join(', ')})`,
};
