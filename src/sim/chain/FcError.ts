import type { FcErrorSpec } from './types.js';

/** An error the simulated node answers with, in fc's shape (`data.name`, `data.code`). */
export class FcError extends Error {
  override name = 'FcError';
  constructor(
    readonly fcName: string,
    readonly fcCode: number,
    message: string,
  ) {
    super(message);
  }

  static assert(message: string): FcError {
    return new FcError('assert_exception', 10, `Assert Exception: ${message}`);
  }

  static from(spec: FcErrorSpec): FcError {
    return new FcError(spec.name, spec.code, spec.message ?? spec.name);
  }

  /** The JSON-RPC `error` member a node sends. */
  toJson(method: string): Record<string, unknown> {
    const detail = `${this.fcCode} ${this.fcName}: ${this.message}`;
    return {
      code: 1,
      message: `Execution error: ${detail}`,
      data: {
        code: this.fcCode,
        name: this.fcName,
        message: this.message,
        stack: [
          {
            context: {
              level: 'error',
              file: 'simulator.cpp',
              line: 1,
              method,
              hostname: '',
              timestamp: new Date().toISOString().slice(0, 19),
            },
            format: this.message,
            data: {},
          },
        ],
      },
    };
  }
}

/** JSON-RPC "Method not found" (no fc data), as a node sends for an unknown method. */
export const METHOD_NOT_FOUND = { code: -32601, message: 'Method not found' };
