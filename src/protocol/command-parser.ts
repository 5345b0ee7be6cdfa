// Splits a command line into verb and argument (RFC 959 section 5.3.1): the verb is case-insensitive
// and ends at the first space; the argument is the rest, kept verbatim (quotes and spaces in file names
// are significant), except a single separating space.

export interface ParsedCommand {
  /** Upper-cased verb, e.g. "RETR". */
  verb: string;
  /** Everything after the first space; '' when absent. */
  arg: string;
}

const VERB = /^[A-Za-z]{1,8}$/;

/** Returns undefined for lines that do not start with a plausible verb (answered with 500). */
export function parseCommand(line: string): ParsedCommand | undefined {
  const space = line.indexOf(' ');
  const verb = space === -1 ? line : line.slice(0, space);
  if (!VERB.test(verb)) return undefined;
  return { verb: verb.toUpperCase(), arg: space === -1 ? '' : line.slice(space + 1) };
}

/** Log-safe form of a command: PASS arguments never reach a log (nor ACCT/ADAT secrets). */
export function redactCommand(cmd: ParsedCommand): string {
  if (cmd.verb === 'PASS' || cmd.verb === 'ACCT' || cmd.verb === 'ADAT') return `${cmd.verb} ****`;
  return cmd.arg ? `${cmd.verb} ${cmd.arg}` : cmd.verb;
}
