// Signing in to the console by scanning its code: the phone first shows which browser asked,
// and only a tap confirms.
const { open, tap, text } = require('./support/pages')
const stack = require('./support/stack')

const EDGE_ON_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91'

test('the phone shows the asking browser, its address and time before confirming; the console is then signed in', async () => {
  stack.grantRole('guanliweb', 'manager', '--building-ids', '1')
  const started = await stack.call('POST', '/api/v1/auth/web-login', undefined, undefined, { 'user-agent': EDGE_ON_WINDOWS })
  expect(started.status).toBe(200)
  const cookie = [].concat(started.headers['set-cookie'])[0].split(';')[0]
  const poll = () => stack.call('GET', `/api/v1/auth/web-login/${started.body.nonce}`, undefined, undefined, { cookie })

  const manager = await stack.memberPhone('guanliweb')
  const page = await open(manager, 'pages/weblogin/index', { scene: started.body.nonce })
  expect(text(page, '.browser')).toBe('Edge 120 · Windows')
  expect(text(page, '.address')).toBe('127.0.0.1')
  expect(text(page, '.asked')).toMatch(/^\d+月\d+日 周. \d\d:\d\d$/)
  expect(text(page, '.warning')).toContain('这不是签到')
  expect((await poll()).body.status).toBe('pending') // shown, not confirmed

  await tap(page, '.confirm')
  expect(text(page, '.confirmed')).toBe('已确认，请回到电脑前继续操作。')
  const done = await poll()
  expect(done.body.status).toBe('signed_in')
  expect(done.body.user.role).toBe('manager')
})

test('a member handed a console code is refused before anything is shown, and a spent code says so', async () => {
  const started = await stack.call('POST', '/api/v1/auth/web-login', undefined, undefined, { 'user-agent': EDGE_ON_WINDOWS })
  const member = await stack.memberPhone('putong')
  const page = await open(member, 'pages/weblogin/index', { scene: started.body.nonce })
  expect(text(page, '.browser')).toBe('')
  expect(text(page, '.confirm')).toBe('')
  expect(text(page, '.error')).not.toBe('')

  const spent = await open(await stack.memberPhone('guanliweb'), 'pages/weblogin/index', { scene: 'f'.repeat(32) })
  expect(text(spent, '.error')).toBe('这个登录码已经失效了，请在电脑上刷新后重新扫码。')
})
