// Worker threads start without the TypeScript loader of the main thread (tsx, or jest's transform):
// run the compiled worker when one sits beside this file, else register tsx first.
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const compiled = join(__dirname, 'certification-worker.js')
if (existsSync(compiled)) {
  require(compiled)
} else {
  require('tsx/cjs/api').register()
  require(join(__dirname, 'certification-worker.ts'))
}
