/** Exit codes scripts can trust. */
export const EXIT_OK = 0;
/** Invalid input, or a check that found a difference. */
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;
