// The first run: the privacy guide before the first call that collects personal information, on
// our server's side (consent_required) and on WeChat's (its privacy authorisation); the guide read
// again from 我的, with the member's consents, their copy, and withdrawing.
const fs = require('fs')
const path = require('path')
const { open, tap, type, fire, text, texts, Phone, ROOT } = require('./support/pages')
const { follow } = require('./support/follow')
const stack = require('./support/stack')

const tokenOf = (phone) => JSON.parse(phone.storage.get('sh_token'))
const consentsOf = async (phone) => (await stack.call('GET', '/api/v1/me/consents', undefined, tokenOf(phone))).body

test('a new member looks at halls freely, is shown the guide at the first tap that collects, agrees, and books on the next tap', async () => {
  const phone = new Phone('xinren', { api: stack.api() }) // a first run: nothing agreed
  const find = await open(phone, 'pages/index/index')
  await fire(find, '.pick-date', 'change', { value: stack.tomorrow(7) })
  await fire(find, '.pick-from', 'change', { value: '16:00' })
  await fire(find, '.pick-to', 'change', { value: '17:00' })
  await type(find, '.people', '10')
  await tap(find, '.search')
  expect(text(find, '.error')).toBe('') // reading halls needs no consent
  expect(texts(find, '.hall .name').length).toBeGreaterThan(0)

  await tap(find, '.hall .book')
  expect(text(find, '.error')).toBe('请先阅读并同意《共享空厅用户隐私保护指引》，再继续操作。')
  expect(phone.navigations[phone.navigations.length - 1]).toBe('/pages/privacy/index?ask=server')
  expect((await consentsOf(phone)).agreed).toBe(false)

  const guide = await follow(phone)
  expect(text(guide, '.title')).toBe('共享空厅用户隐私保护指引')
  expect(text(guide, '.version')).toBe('第 2 版，2026年12月3日更新')
  expect(text(guide, '.ask')).toContain('同意以后才能预约')
  expect(texts(guide, '.section .heading').length).toBeGreaterThanOrEqual(5)
  expect(texts(guide, '.paragraph').join('')).toContain('手机号码')
  expect(text(guide, '.agreed')).toBe('')
  // The agree button is WeChat's (open-type agreePrivacyAuthorization): its event is the tap.
  await fire(guide, '.agree', 'agreeprivacyauthorization', {})
  expect(text(guide, '.error')).toBe('')
  expect(phone.backs).toBe(1)
  expect(phone.toasts).toEqual(['已同意，请再点一次刚才的按钮'])
  const state = await consentsOf(phone)
  expect(state.agreed).toBe(true)
  expect(state.consents.map((c) => [c.kind, c.policy_version])).toEqual([['policy', 2]])

  // Back on the search: the same tap now holds the hall.
  await tap(find, '.hall .book')
  const form = await follow(phone)
  expect(text(form, '.countdown')).toMatch(/请在 [45]分\d\d秒 内提交/)
})

test('from 我的 the guide is read again, with when one agreed; a copy of one\'s information is taken; withdrawing asks first and stops collecting', async () => {
  const phone = await stack.memberPhone('jiuyue')
  await stack.book('jiuyue', 3, stack.tomorrow(5), '14:00', '15:00', '支部学习', 5)
  const me = await open(phone, 'pages/profile/index')
  await tap(me, '.privacy')
  const guide = await follow(phone)
  expect(text(guide, '.agreed')).toMatch(/^您已于 .+ 同意第 2 版。$/)
  expect(texts(guide, '.consent')).toHaveLength(1)
  expect(text(guide, '.agree')).toBe('')

  await tap(guide, '.export')
  expect(text(guide, '.exported')).toContain('预约 1 条，签到 0 次，违约 0 条')
  const copy = JSON.parse(phone.clipboard)
  expect(copy.wechat.openid).toBe('openid-jiuyue')
  expect(copy.bookings[0].booking.purpose).toBe('支部学习')
  expect(copy.consents[0].kind).toBe('policy')

  phone.modalAnswers.push(false) // 不撤回: nothing changes
  await tap(guide, '.withdraw')
  expect(phone.modals[0].content).toContain('已订好的预约照常保留')
  expect((await consentsOf(phone)).agreed).toBe(true)
  await tap(guide, '.withdraw') // 撤回
  expect(text(guide, '.agree')).toBe('同意并继续')
  expect((await consentsOf(phone)).agreed).toBe(false)
  const name = await stack.call('PATCH', '/api/v1/me', { name: '九月' }, tokenOf(phone))
  expect(name.body.error.code).toBe('consent_required')
})

test('WeChat\'s own privacy question opens the guide; agreeing answers WeChat with the agree button, not agreeing declines', async () => {
  const phone = new Phone('weixinwen', { api: stack.api() })
  await phone.act(() => require(path.join(ROOT, 'utils/privacy')).listen()) // app.js onLaunch
  const asked = phone.privacyApi('button.getPhoneNumber')
  await phone.idle()
  expect(phone.navigations[phone.navigations.length - 1]).toBe('/pages/privacy/index?ask=wechat')
  const guide = await follow(phone)
  await fire(guide, '.agree', 'agreeprivacyauthorization', {})
  expect(await asked).toEqual({ buttonId: 'agree-btn', event: 'agree' })
  expect((await consentsOf(phone)).agreed).toBe(true)

  const other = new Phone('buyuanyi', { api: stack.api() })
  await other.act(() => require(path.join(ROOT, 'utils/privacy')).listen())
  const declined = other.privacyApi('addPhoneCalendar')
  await other.idle()
  await tap(await follow(other), '.refuse')
  expect(await declined).toEqual({ event: 'disagree' })
  expect(other.backs).toBe(1)
})

test('the agree button is WeChat\'s privacy button, with the id its answer names', () => {
  const wxml = fs.readFileSync(path.join(ROOT, 'pages/privacy/index.wxml'), 'utf8')
  const button = wxml.match(/<button[^>]*class="main agree"[^>]*>/)[0]
  expect(button).toContain('id="agree-btn"')
  expect(button).toContain('open-type="agreePrivacyAuthorization"')
  expect(button).toContain('bindagreeprivacyauthorization="agree"')
})

test('a member closes their account from 我的: told what it does, asked once more, then their booking is cancelled and the phone signed out; a manager is told to hand over first', async () => {
  const phone = await stack.memberPhone('likai')
  const made = await stack.book('likai', 3, stack.tomorrow(5), '16:00', '17:00', '小组学习', 4)
  const me = await open(phone, 'pages/profile/index')
  await tap(me, '.close-account')
  const page = await follow(phone)
  expect(texts(page, '.paragraph').join('')).toContain('无法恢复')
  phone.modalAnswers.push(false) // 不注销
  await tap(page, '.confirm-close')
  expect(text(page, '.done')).toBe('')
  const token = tokenOf(phone)
  await tap(page, '.confirm-close')
  expect(text(page, '.error')).toBe('')
  expect(text(page, '.done')).toBe('账号已注销。已取消 1 个预约。感谢您使用共享空厅。')
  expect(phone.storage.has('sh_token')).toBe(false)
  expect((await stack.call('GET', '/api/v1/me', undefined, token)).status).toBe(401)
  stack.grantRole('shenhekai', 'district_admin')
  const office = await stack.login('shenhekai')
  expect((await stack.call('GET', `/api/v1/bookings/${made.id}`, undefined, office)).body.status).toBe('cancelled')

  stack.grantRole('guanlikai', 'manager', '--building-ids', '1')
  const keeper = await stack.memberPhone('guanlikai')
  const closing = await open(keeper, 'pages/close/index')
  await tap(closing, '.confirm-close')
  expect(text(closing, '.error')).toBe('您还担任管理职务，请先把职务交给别人，再注销账号。')
  expect(text(closing, '.done')).toBe('')
})
