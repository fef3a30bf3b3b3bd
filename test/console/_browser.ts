/** Debian's chromium through playwright-core (npm cannot download browsers here). */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash test/setup.sh (installs Debian's chromium as root)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}
