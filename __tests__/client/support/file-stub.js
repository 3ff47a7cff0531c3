// Image imports resolve to a file name in jsdom tests.
module.exports = 'test-file-stub'
