/** Puppeteer must never download its own browser here: tests use Debian's Chromium (see tests/helpers). */
module.exports = { skipDownload: true };
