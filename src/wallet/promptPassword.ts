import { password } from '@inquirer/prompts';
import { BaseError } from '../errors/BaseError.js';

/** Prompt context (input/output streams, abort signal), as @inquirer/prompts takes it. */
export type PromptContext = NonNullable<Parameters<typeof password>[1]>;

export type PromptPasswordOptions = {
  /** Prompt text. */
  message: string;
  /** Ask twice and re-ask until both entries match (for a new password). @default false */
  confirm?: boolean;
  /** Minimum length in characters (checked while typing). @default 1 */
  minLength?: number;
  /** Give up after this many mismatched pairs. @default 3 */
  maxAttempts?: number;
  /** Streams and abort signal for the prompt (tests, stderr output). */
  context?: PromptContext;
};

/**
 * Reads a password on the terminal, echoing `*` for each character.
 * With `confirm`, asks a second time and starts over on a mismatch.
 * @throws BaseError('USAGE') after `maxAttempts` mismatches
 * @example const pw = await promptPassword({ message: 'New keystore password', confirm: true, minLength: 8 })
 */
export async function promptPassword(options: PromptPasswordOptions): Promise<string> {
  const { message, confirm = false, minLength = 1, maxAttempts = 3, context } = options;
  const validate = (value: string) =>
    [...value].length >= minLength || (minLength <= 1 ? 'A password is required.' : `At least ${minLength} characters.`);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const first = await password({ message, mask: '*', validate }, context);
    if (!confirm) return first;
    const second = await password({ message: 'Repeat the password', mask: '*' }, context);
    if (first === second) return first;
    (context?.output ?? process.stderr).write('The two passwords differ; please enter them again.\n');
  }
  throw new BaseError('USAGE', `The passwords did not match after ${maxAttempts} attempts.`);
}
