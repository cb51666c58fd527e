// Pages of miniprogram/ rendered headless for one phone, and what a member does and sees on them.
const path = require('path')
const simulate = require('miniprogram-simulate')
const wx = require('./wx')

wx.install() // after miniprogram-simulate, which puts its own mock wx in place when loaded

const ROOT = path.resolve(__dirname, '../../../miniprogram')
const loaded = new Map()

// Opens `page` ("pages/book/index") on `phone` with `query`, as WeChat does: renders it and
// calls its onLoad; resolves when the page has nothing in flight.
async function open(phone, page, query = {}) {
  if (!loaded.has(page)) loaded.set(page, simulate.load(path.join(ROOT, page), { rootPath: ROOT }))
  const comp = simulate.render(loaded.get(page))
  comp.phone = phone
  await phone.act(() => {
    comp.attach(document.createElement('parent-wrapper'))
    return comp.instance.onLoad(query)
  })
  return comp
}

function find(comp, selector) {
  const el = comp.querySelector(selector)
  if (!el) throw new Error(`nothing on the page matches ${selector}:\n${comp.dom.textContent}`)
  return el
}

// A tap on the element (the i-th of its matches), inside WeChat's "user gesture" for the APIs
// that need one.
async function tap(comp, selector, i = 0) {
  const el = i === 0 ? find(comp, selector) : comp.querySelectorAll(selector)[i]
  if (!el) throw new Error(`no match ${i} of ${selector}`)
  const phone = comp.phone
  await phone.act(async () => {
    phone.inTap = true
    el.dispatchEvent('tap')
    await new Promise((r) => setTimeout(r, 0)) // the handler starts in this turn
    phone.inTap = false
  })
}

// Typing into an <input>: its bindinput handler gets {detail: {value}}.
async function type(comp, selector, value) {
  await comp.phone.act(async () => {
    find(comp, selector).dispatchEvent('input', { detail: { value } })
    await new Promise((r) => setTimeout(r, 0))
  })
}

// A picker or a getPhoneNumber button: `event` with its detail.
async function fire(comp, selector, event, detail) {
  await comp.phone.act(async () => {
    find(comp, selector).dispatchEvent(event, { detail })
    await new Promise((r) => setTimeout(r, 0))
  })
}

// The text the member sees in the first match ('' when nothing matches: not shown).
function text(comp, selector) {
  const el = comp.querySelector(selector)
  return el ? el.dom.textContent.replace(/\s+/g, ' ').trim() : ''
}

function texts(comp, selector) {
  return comp.querySelectorAll(selector).map((el) => el.dom.textContent.replace(/\s+/g, ' ').trim())
}

// Taps the slot of a hall's day (pages/venue/index) that starts at `start`.
async function tapSlot(grid, start) {
  const i = texts(grid, '.slot').findIndex((t) => t.startsWith(start))
  if (i < 0) throw new Error(`no slot at ${start}`)
  await tap(grid, '.slot', i)
}

module.exports = { open, tap, tapSlot, type, fire, text, texts, Phone: wx.Phone, ROOT }
