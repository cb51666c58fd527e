// The wx adapter keeps WeChat's rules, or the flows would prove nothing about a real phone.
// Against a little HTTP server of this test's own: no sharedhall needed.
const http = require('http')
const { open, tap, text, Phone } = require('./support/pages')

let server
let base
let received = 0
beforeAll(async () => {
  server = http.createServer((req, res) => {
    received += 1
    if (req.url === '/conflict') {
      res.writeHead(409, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { code: 'slot_taken', message: 'x', message_zh: '这个时段刚被别人订了，请换一个时段。' } }))
    } else {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"ok":true}')
    }
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${server.address().port}`
})
afterAll(() => new Promise((r) => server.close(r)))

function request(phone, url) {
  return phone.act(
    () =>
      new Promise((resolve) =>
        wx.request({
          url,
          success: (res) => resolve({ ok: true, res }),
          fail: (err) => resolve({ ok: false, err }),
        }),
      ),
  )
}

test('wx.request succeeds on an error status, with its body, as WeChat does', async () => {
  const r = await request(new Phone('a'), `${base}/conflict`)
  expect(r.ok).toBe(true)
  expect(r.res.statusCode).toBe(409)
  expect(r.res.data.error.code).toBe('slot_taken')
})

test('wx.request fails only when no answer comes: nothing listening, offline, or an answer lost', async () => {
  const phone = new Phone('b')
  const refused = await request(phone, 'http://127.0.0.1:1/x')
  expect(refused.ok).toBe(false)
  expect(refused.err.errMsg).toMatch(/^request:fail/)
  phone.offline = true
  const before = received
  expect((await request(phone, `${base}/ok`)).ok).toBe(false)
  expect(received).toBe(before) // offline: the server never heard of it
  phone.offline = false
  phone.dropNextAnswer()
  const lost = await request(phone, `${base}/ok`)
  expect(lost.ok).toBe(false)
  expect(received).toBe(before + 1) // the server acted; the phone did not hear back
  expect((await request(phone, `${base}/ok`)).ok).toBe(true) // only the next one was lost
})

test('wx.login gives a new code each time, all of the same WeChat user', async () => {
  const phone = new Phone('zhang')
  const codes = []
  for (let i = 0; i < 2; i++)
    codes.push(await phone.act(() => new Promise((resolve) => wx.login({ success: (r) => resolve(r.code) }))))
  expect(codes[0]).not.toBe(codes[1]) // the fake WeChat takes a code once
  for (const c of codes) expect(c.split(':')[0]).toBe('zhang') // both openid-zhang's
})

test("storage is the phone's: it outlives a page, copies values, and gives '' for a missing key", async () => {
  const phone = new Phone('c')
  const kept = { a: [1] }
  await phone.act(async () => {
    wx.setStorageSync('k', kept)
    kept.a.push(2)
    expect(wx.getStorageSync('k')).toEqual({ a: [1] })
    expect(wx.getStorageSync('missing')).toBe('')
  })
  // The app opened again: a page rendered anew on the same phone reads what was kept.
  const other = new Phone('d')
  await other.act(async () => expect(wx.getStorageSync('k')).toBe(''))
  await phone.act(async () => expect(wx.getStorageSync('k')).toEqual({ a: [1] }))
})

test('a subscribe request outside a tap fails, as WeChat refuses it', async () => {
  const phone = new Phone('e')
  const r = await phone.act(
    () => new Promise((resolve) => wx.requestSubscribeMessage({ tmplIds: ['t'], success: () => resolve('ok'), fail: (e) => resolve(e.errMsg) })),
  )
  expect(r).toMatch(/TAP gesture/)
})

test('wx outside any phone is an error, so no page call goes unnoticed', () => {
  expect(() => wx.request).toThrow(/outside a phone/)
})

test('two phones act at the same time, each with its own storage', async () => {
  const a = new Phone('f')
  const b = new Phone('g')
  const put = (p, v) =>
    p.act(async () => {
      wx.setStorageSync('who', v)
      await new Promise((r) => setTimeout(r, 5))
      return wx.getStorageSync('who')
    })
  expect(await Promise.all([put(a, 'a'), put(b, 'b')])).toEqual(['a', 'b'])
})

test('the checkin page shows what the member must do when nothing was scanned', async () => {
  const phone = new Phone('h', { api: base })
  const page = await open(phone, 'pages/checkin/index', {})
  await tap(page, '.scan') // wx.scanCode cancelled: nothing queued
  expect(text(page, '.error')).toBe('没有扫到场地的二维码，请对准场地门口的签到码再试一次。')
})

