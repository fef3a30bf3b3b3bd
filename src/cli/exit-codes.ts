/** Exit codes scripts can trust; the failures' come from the one table in core/errors.ts. */
import { ERROR_KINDS } from '../core/errors.js';

export const EXIT_OK = 0;
/** Invalid input, or a check that found a difference. */
export const EXIT_INVALID = ERROR_KINDS.invalid.exitCode;
export const EXIT_USAGE = ERROR_KINDS.usage.exitCode;
