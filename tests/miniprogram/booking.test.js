// A member books from the phone: time first, the hold's form, the list, the messages.
const { open, tap, type, fire, text, texts } = require('./support/pages')
const { follow } = require('./support/follow')
const stack = require('./support/stack')

afterEach(() => stack.setClock(stack.now()))

// Taps the `selector` inside the result card whose `.name` is `name`.
async function tapIn(comp, cards, name, selector) {
  const names = texts(comp, `${cards} .name`)
  if (names.indexOf(name) < 0) throw new Error(`no ${name} among ${names}`)
  await tap(comp, `${cards} ${selector}`, names.indexOf(name))
}

test('a member finds a hall by time, holds it, books it, and sees it in 我的预约 and, before it starts, in 消息', async () => {
  const phone = await stack.memberPhone('lihua')
  const day = stack.tomorrow()
  const find = await open(phone, 'pages/index/index')
  await fire(find, '.pick-date', 'change', { value: day })
  await fire(find, '.pick-from', 'change', { value: '18:00' })
  await fire(find, '.pick-to', 'change', { value: '19:00' })
  await type(find, '.people', '20')
  const buildings = find.instance.data.buildings.map((b) => b.name)
  expect(buildings[0]).toBe('不限')
  await fire(find, '.pick-building', 'change', { value: String(buildings.indexOf('新城大厦')) })
  await tap(find, '.search')
  expect(text(find, '.error')).toBe('')
  expect(texts(find, '.hall .name')).toContain('一楼党员活动室')
  const search = phone.sent.find((r) => r.url.includes('/api/v1/venues?'))
  expect(search.url).toContain(`date=${day}&from=18:00&to=19:00&min_capacity=20&building_id=1`)
  expect(phone.logins).toBe(1) // signed in on the first call, without a tap

  await tapIn(find, '.hall', '一楼党员活动室', '.book')
  const form = await follow(phone)
  expect(text(form, '.hall')).toBe('一楼党员活动室')
  expect(text(form, '.countdown')).toMatch(/请在 [45]分\d\d秒 内提交/)
  await type(form, '.purpose', '第一党支部主题党日')
  await type(form, '.attendees', '20')
  await tap(form, '.submit')
  expect(text(form, '.error')).toBe('')
  expect(text(form, '.result')).toBe('预约成功')

  // Asked only on the tap, after booking: the reminder will follow.
  await tap(form, '.subscribe')
  expect(text(form, '.banked')).toContain('还可以收到 1 次会前提醒')

  const mine = await open(phone, 'pages/bookings/index')
  expect(texts(mine, '.booking .hall')).toEqual(['一楼党员活动室'])
  expect(text(mine, '.booking .status')).toBe('已预约')

  // Half an hour before the start the reminder is due: the in-app list has it.
  await stack.setClock(stack.shanghai(`${day}T17:30`))
  await stack.runJob('send_reminders')
  const inbox = await open(phone, 'pages/notices/index')
  expect(text(inbox, '.unread-count')).toBe('有 1 条未读')
  expect(text(inbox, '.banked')).toBe('还可以收到 1 次会前提醒（微信消息）。')
  expect(text(inbox, '.notice .about')).toBe(`一楼党员活动室 ${text(form, '.when').split(' ').slice(0, 2).join(' ')} 18:00–19:00`)
  await tap(inbox, '.notice')
  expect(text(inbox, '.unread-count')).toBe('没有未读消息')
  const detail = await follow(phone)
  expect(text(detail, '.status')).toBe('已预约')
  await tap(detail, '.calendar')
  expect(text(detail, '.done')).toBe('已加入手机日历')
  expect(phone.calendar[0].title).toBe('一楼党员活动室：第一党支部主题党日')
  expect(phone.calendar[0].startTime).toBe(Date.parse(`${day}T18:00:00+08:00`) / 1000)
})
