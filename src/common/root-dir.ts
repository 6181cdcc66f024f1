import { join } from 'node:path';

/** The project root (views/, templates/, public/): compiled code runs from dist/src/common, tests from src/common. */
export const ROOT_DIR = join(__dirname, __dirname.includes(join('dist', 'src')) ? '../../..' : '../..');
