// Loads a Chrome trace-event JSON file into speedscope (served from
// node_modules on 127.0.0.1) in headless Chromium driven by playwright-core,
// takes a PNG screenshot, and fails when the viewer reports an import error
// or draws nothing.  Run by tests/viewer/check; no network beyond loopback.
//
// usage: node view.mjs TRACE.json SCREENSHOT.png
// env:   CHROMIUM (default /usr/bin/chromium), VIEWER_TIMEOUT_MS (default 60000)
import http from 'node:http'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))
const [tracePath, shotPath] = process.argv.slice(2)
if (!tracePath || !shotPath) {
  console.error('usage: node view.mjs TRACE.json SCREENSHOT.png')
  process.exit(2)
}
const dist = path.join(here, 'node_modules', 'speedscope', 'dist', 'release')
const timeout = Number(process.env.VIEWER_TIMEOUT_MS || 60000)
const types = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.png': 'image/png', '.wasm': 'application/wasm',
  '.woff2': 'font/woff2', '.ico': 'image/x-icon', '.txt': 'text/plain',
}

function fail(msg) {
  console.error('viewer check: ' + msg)
  process.exitCode = 1
}

// A static server for speedscope's files and the trace, loopback only.
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1')
  let file
  if (url.pathname === '/trace.json') file = tracePath
  else file = path.join(dist, path.normalize(url.pathname === '/' ? '/index.html' : url.pathname))
  if (!file.startsWith(dist) && file !== tracePath) {
    res.writeHead(403).end()
    return
  }
  fs.readFile(file, (err, data) => {
    if (err) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' })
    res.end(data)
  })
})
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
const port = server.address().port

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
})
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } })
  const problems = []
  page.on('pageerror', e => problems.push('page error: ' + e.message))
  page.on('console', m => {
    if (m.type() === 'error') problems.push('console error: ' + m.text())
  })
  page.on('dialog', d => { problems.push('dialog: ' + d.message()); d.dismiss() })
  page.on('request', r => {
    const u = new URL(r.url())
    if (u.hostname !== '127.0.0.1' && u.protocol !== 'data:' && u.protocol !== 'blob:') {
      problems.push('unexpected request: ' + r.url())
    }
  })
  const url = `http://127.0.0.1:${port}/index.html#profileURL=${encodeURIComponent(
    `http://127.0.0.1:${port}/trace.json`)}&title=tjconv`
  await page.goto(url)
  // speedscope shows "tjconv" (or the profile's name) in its toolbar once the
  // import succeeded, and an error message when it did not
  const outcome = await Promise.race([
    page.waitForSelector('canvas', { timeout }).then(() => 'canvas'),
    page.waitForFunction(() => /something went wrong|unrecognized format|failed to/i
      .test(document.body.innerText), null, { timeout }).then(() => 'error'),
  ]).catch(e => 'timeout: ' + e.message)
  await page.waitForTimeout(1500) // let WebGL draw
  await page.screenshot({ path: shotPath })
  const text = await page.evaluate(() => document.body.innerText)
  if (outcome !== 'canvas') fail('speedscope did not show the trace (' + outcome + '): ' + text.slice(0, 300))
  if (/something went wrong|unrecognized format|failed to/i.test(text)) fail('speedscope reports: ' + text.slice(0, 300))
  // count the colours drawn in the flame chart area of the screenshot
  const png = fs.readFileSync(shotPath).toString('base64')
  const colours = await page.evaluate(async b64 => {
    const img = new Image()
    img.src = 'data:image/png;base64,' + b64
    await img.decode()
    const c = document.createElement('canvas')
    c.width = img.width
    c.height = img.height
    const g = c.getContext('2d')
    g.drawImage(img, 0, 0)
    const d = g.getImageData(0, 100, img.width, img.height - 100).data
    const seen = new Set()
    for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2])
    return seen.size
  }, png)
  const toolbar = text.split('\n').filter(Boolean).slice(0, 6).join(' | ')
  console.log(`viewer check: speedscope toolbar: ${toolbar}`)
  console.log(`viewer check: ${colours} distinct colours in the chart area`)
  if (!/tjconv \(\d+\/\d+\)/.test(text)) fail('speedscope shows no profile (no "tjconv (i/n)" title)')
  if (colours < 12) fail(`the chart looks empty (${colours} colours)`)
  for (const p of problems) fail(p)
} finally {
  await browser.close()
  server.close()
}
