import { join } from 'node:path';

/** The project root (views/, templates/, public/): compiled code runs from dist/src, tests from src. */
export const ROOT_DIR = join(__dirname, __dirname.includes(join('dist', 'src')) ? '../..' : '..');
