// A weak network never books twice, and a lost session is found again without asking.
const { open, tap, tapSlot, type, text } = require('./support/pages')
const { follow } = require('./support/follow')
const stack = require('./support/stack')

test('a retry after a dropped answer, even after the app was closed, books once: the same Idempotency-Key', async () => {
  const day = stack.tomorrow(3)
  const phone = await stack.memberPhone('wuxia')
  const grid = await open(phone, 'pages/venue/index', { id: '3', date: day })
  await tapSlot(grid, '09:00')
  await tap(grid, '.hold')
  const form = await follow(phone)
  await type(form, '.purpose', '支部委员会')
  await type(form, '.attendees', '7')

  phone.dropNextAnswer() // the booking is made; its answer never reaches the phone
  await tap(form, '.submit')
  expect(text(form, '.error')).toBe('网络不太好，没有连上服务器。请检查网络后再试一次。')
  expect(text(form, '.submit')).toBe('再试一次')

  // The member closes the app and opens it again: the form comes back from storage.
  form.detach()
  const again = await open(phone, 'pages/book/index', {})
  expect(text(again, '.when')).toContain('09:00–09:15')
  await tap(again, '.submit')
  expect(text(again, '.result')).toBe('预约成功')

  const posts = phone.sent.filter((r) => r.method === 'POST' && r.url.endsWith('/api/v1/bookings'))
  expect(posts.length).toBe(2)
  expect(posts[0].header['idempotency-key']).toMatch(/^[0-9a-f]{32}$/)
  expect(posts[1].header['idempotency-key']).toBe(posts[0].header['idempotency-key'])
  const token = await phone.act(async () => wx.getStorageSync('sh_token'))
  const mine = await stack.call('GET', '/api/v1/me/bookings', undefined, token)
  expect(mine.body.items.length).toBe(1)
})

test('a session ended elsewhere: the next call signs in again silently, once, and goes on', async () => {
  const phone = await stack.memberPhone('zhengqiang')
  await open(phone, 'pages/bookings/index')
  expect(phone.logins).toBe(1)
  const token = await phone.act(async () => wx.getStorageSync('sh_token'))
  expect((await stack.call('POST', '/api/v1/auth/logout', {}, token)).status).toBe(200)

  const list = await open(phone, 'pages/bookings/index')
  expect(text(list, '.error')).toBe('')
  expect(text(list, '.empty')).toBe('这里还没有预约。')
  expect(phone.logins).toBe(2)
  expect(await phone.act(async () => wx.getStorageSync('sh_token'))).not.toBe(token)
})
