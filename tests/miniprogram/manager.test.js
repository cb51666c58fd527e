// A hall's manager on the phone: requests approved and rejected (the member's pages show it),
// a closure over a booking (listed first, then cancelled and told), the printable code, a new
// hall published, more time asked for a confirmed booking (held, listed, approved, told).
const { open, tap, tapSlot, type, fire, text, texts } = require('./support/pages')
const { follow } = require('./support/follow')
const stack = require('./support/stack')

// A member asks for 10:00-11:00 (or `start`) in hall 7, which needs approval, through the pages.
async function request(phone, day, start = '10:00') {
  const grid = await open(phone, 'pages/venue/index', { id: '7', date: day })
  await tapSlot(grid, start)
  await tap(grid, '.hold')
  const form = await follow(phone)
  await type(form, '.purpose', '青年党员学习会')
  await type(form, '.attendees', '15')
  await tap(form, '.submit')
  return form
}

test('a manager approves a request and rejects another with a reason; the member sees both', async () => {
  const day = stack.tomorrow(5)
  stack.grantRole('guanli7', 'manager', '--building-ids', '1')
  const member = await stack.memberPhone('sunli')
  const form = await request(member, day, '10:00')
  expect(text(form, '.result')).toBe('已提交，等待管理员审批')
  expect(text(form, '.status')).toBe('状态：等待审批')
  await request(member, day, '14:00')

  // The manager is told, in the list of messages (and by WeChat where they allowed it).
  await stack.runJob('tell_approvers')
  const manager = await stack.memberPhone('guanli7')
  const told = await open(manager, 'pages/notices/index')
  expect(texts(told, '.notice-title')).toEqual(['●有预约申请等您审批', '●有预约申请等您审批'])
  const inbox = await open(manager, 'pages/manage/index')
  expect(text(inbox, '.title')).toBe('等待审批（2）')
  expect(text(inbox, '.waiting')).toBe('最早的申请已等不到 1 小时。')
  expect(texts(inbox, '.request .hall')).toEqual(['七楼党建书屋', '七楼党建书屋'])
  const whens = texts(inbox, '.request .when')
  const first = whens.findIndex((w) => w.endsWith('10:00–10:15'))
  await tap(inbox, '.approve', first)
  expect(text(inbox, '.done')).toBe('已通过，申请人会收到通知。')
  expect(text(inbox, '.title')).toBe('等待审批（1）')
  await tap(inbox, '.reject') // no reason yet: asked for one
  expect(text(inbox, '.error')).toBe('请写上不通过的原因，申请人会看到。')
  await type(inbox, '.reason', '当天下午有区里的会议')
  await tap(inbox, '.reject')
  expect(text(inbox, '.done')).toBe('已拒绝，申请人会收到通知和原因。')
  expect(text(inbox, '.empty')).toBe('没有等待审批的申请。')

  const mine = await open(member, 'pages/bookings/index')
  expect(texts(mine, '.booking .status')).toEqual(['已预约'])
  const messages = await open(member, 'pages/notices/index')
  expect(texts(messages, '.notice-title').sort()).toEqual(['●预约已通过', '●预约未通过'])
  expect(text(messages, '.notice .hint')).toBe('说明：当天下午有区里的会议')
})

test('a manager who allowed it on a tap is told of a new request by a WeChat message, one consent each', async () => {
  const day = stack.tomorrow(8)
  stack.grantRole('guanli10', 'manager', '--building-ids', '1')
  const manager = await stack.memberPhone('guanli10')
  const inbox = await open(manager, 'pages/manage/index')
  await tap(inbox, '.subscribe')
  expect(text(inbox, '.subscribed')).toBe('好的，有新的申请时会用微信提醒您，还可以提醒 1 次。')
  const token = await stack.login('guanli10')
  const before = await stack.call('GET', '/api/v1/me/subscriptions', undefined, token)
  expect(before.body.banked['tmpl-booking-request']).toBe(1)

  await request(await stack.memberPhone('zhaolei'), day, '15:00')
  await stack.runJob('tell_approvers')
  await stack.runJob('deliver_notices')
  const after = await stack.call('GET', '/api/v1/me/subscriptions', undefined, token)
  expect(after.body.banked['tmpl-booking-request']).toBe(0) // spent on the message sent
})

test("a closure over a booking lists it first, then cancels it and tells its member; the hall's code prints", async () => {
  const day = stack.tomorrow(6)
  stack.grantRole('guanli8', 'manager', '--building-ids', '1')
  await stack.book('heping', 5, day, '09:00', '10:00', '支部会', 9)

  const manager = await stack.memberPhone('guanli8')
  manager.modalAnswers.push(true)
  const hall = await open(manager, 'pages/manage/hall', { id: '5' })
  await fire(hall, '.pick-fromDate', 'change', { value: day })
  await fire(hall, '.pick-fromTime', 'change', { value: '08:00' })
  await fire(hall, '.pick-toDate', 'change', { value: day })
  await fire(hall, '.pick-toTime', 'change', { value: '12:00' })
  await type(hall, '.reason', '设备检修')
  await tap(hall, '.close')
  expect(manager.modals.map((m) => m.content)).toEqual(['停用会取消 1 条预约，并通知预约人。确定停用吗？'])
  expect(text(hall, '.done')).toBe('已停用，取消了 1 条预约，预约人会收到通知。')
  expect(texts(hall, '.closure')[0]).toContain('设备检修')

  const member = await stack.memberPhone('heping')
  const messages = await open(member, 'pages/notices/index')
  expect(texts(messages, '.notice-title')).toEqual(['●场地临时关闭，预约已取消'])

  await tap(hall, '.show-code')
  expect(text(hall, '.error')).toBe('')
  expect(hall.querySelector('.qr')).not.toBeNull()
  expect(hall.instance.data.qr).toMatch(/^data:image\/png;base64,iVBOR/) // a PNG, as WeChat made it

  // Someone else's refusal comes as bytes too, and still reads as Chinese.
  const stranger = await stack.memberPhone('weiren')
  const theirs = await open(stranger, 'pages/manage/hall', { id: '5' })
  await tap(theirs, '.show-code')
  expect(text(theirs, '.error')).toMatch(/^[^A-Za-z]*[\u4e00-\u9fff][^A-Za-z]*$/)
  expect(theirs.instance.data.qr).toBe('')
})

test('a manager publishes a new hall from the phone and members find it', async () => {
  stack.grantRole('guanli9', 'manager', '--building-ids', '1')
  const manager = await stack.memberPhone('guanli9')
  const form = await open(manager, 'pages/manage/venue', {})
  await type(form, '.name', '八楼小会议室')
  await type(form, '.capacity', '12')
  await type(form, '.floor', '八楼')
  await tap(form, '.save')
  expect(text(form, '.error')).toBe('')
  expect(text(form, '.done')).toBe('已发布，党员现在可以预约了。')

  const member = await stack.memberPhone('xuming')
  const find = await open(member, 'pages/index/index')
  await fire(find, '.pick-date', 'change', { value: stack.tomorrow(1) })
  await fire(find, '.pick-from', 'change', { value: '09:00' })
  await fire(find, '.pick-to', 'change', { value: '10:00' })
  await tap(find, '.search')
  expect(texts(find, '.hall .name')).toContain('八楼小会议室')
})

test("a street's admin closes every hall of the street for a holiday in one step: the bookings in the way counted first, then cancelled and told", async () => {
  const day = stack.tomorrow(13)
  stack.grantRole('jiedao1', 'street_admin', '--street-id', '1')
  await stack.book('qiuyue', 6, day, '09:00', '10:00', '支部会', 9)
  await stack.book('qiuyue', 2, day, '10:00', '11:00', '党课', 20)

  const admin = await stack.memberPhone('jiedao1')
  const manage = await open(admin, 'pages/manage/index')
  await tap(manage, '.close-all')
  const page = await follow(admin)
  expect(text(page, '.title')).toBe('本街道的全部场地暂停开放')
  await fire(page, '.pick-fromDate', 'change', { value: day })
  await fire(page, '.pick-fromTime', 'change', { value: '08:00' })
  await fire(page, '.pick-toDate', 'change', { value: day })
  await fire(page, '.pick-toTime', 'change', { value: '12:00' })
  await tap(page, '.close')
  expect(text(page, '.error')).toBe('请写上停用的原因，受影响的预约人会看到。')
  await type(page, '.reason', '安保期间')
  admin.modalAnswers.push(false) // "先不停用": nothing is closed
  await tap(page, '.close')
  expect(text(page, '.done')).toBe('')
  await tap(page, '.close')
  expect(admin.modals.map((m) => m.content)).toEqual([
    '停用会取消 2 条预约，并通知预约人。确定停用吗？',
    '停用会取消 2 条预约，并通知预约人。确定停用吗？',
  ])
  // Every hall of the street: the seven of the stack, and any a test published before.
  const closed = text(page, '.done').match(/^已停用 (\d+) 个场地，取消了 2 条预约，预约人会收到通知。$/)
  expect(closed).not.toBeNull()
  expect(Number(closed[1])).toBeGreaterThanOrEqual(7)

  const member = await stack.memberPhone('qiuyue')
  const messages = await open(member, 'pages/notices/index')
  expect(texts(messages, '.notice-title')).toEqual(['●场地临时关闭，预约已取消', '●场地临时关闭，预约已取消'])

  // A hall's manager has no such button.
  stack.grantRole('guanli9', 'manager', '--building-ids', '1')
  const manager = await stack.memberPhone('guanli9')
  expect(text(await open(manager, 'pages/manage/index'), '.close-all')).toBe('')
})

test('a member asks for more time on a confirmed booking in a hall that needs approval: the time is kept for it, the manager sees what is asked and approves, the member is told', async () => {
  const day = stack.tomorrow(12)
  stack.grantRole('guanli12', 'manager', '--building-ids', '1')
  const made = await stack.book('jiachang', 7, day, '09:00', '09:30', '支部学习', 8)
  const managerToken = await stack.login('guanli12')
  const approved = await stack.call('POST', `/api/v1/bookings/${made.id}/approve`, {}, managerToken)
  expect(approved.status).toBe(200)

  const member = await stack.memberPhone('jiachang')
  const detail = await open(member, 'pages/booking/detail', { id: String(made.id) })
  await tap(detail, '.change')
  await fire(detail, '.pick-end', 'change', { value: String(detail.instance.data.times.indexOf('10:00')) })
  await tap(detail, '.save')
  expect(text(detail, '.error')).toBe('')
  expect(text(detail, '.done')).toBe('已申请加长，管理员同意后生效。加长的时间先为您留着。')
  expect(text(detail, '.when')).toMatch(/09:00–09:30$/)
  expect(text(detail, '.status')).toBe('已预约')
  expect(text(detail, '.extension')).toBe('已申请改为 09:00–10:00，等待管理员同意；同意前仍按原来的时间。')
  const mine = await open(member, 'pages/bookings/index')
  expect(texts(mine, '.booking .asking')).toEqual(['已申请改为 09:00–10:00，等待管理员同意'])
  // Nobody else can take the half hour asked meanwhile.
  const other = await stack.login('pangbian')
  const taken = await stack.call('POST', '/api/v1/bookings',
    { venue_id: 7, date: day, start: '09:30', end: '10:00', purpose: '支部会', attendees: 5 }, other)
  expect(taken.body.error.code).toBe('slot_taken')

  const manager = await stack.memberPhone('guanli12')
  const inbox = await open(manager, 'pages/manage/index')
  expect(texts(inbox, '.request .extension')).toEqual(['已约好的预约申请加长，改为 09:00–10:00'])
  const index = inbox.instance.data.requests.findIndex((r) => r.id === made.id)
  await tap(inbox, '.approve', index)
  expect(text(inbox, '.done')).toBe('已通过，申请人会收到通知。')

  const after = await open(member, 'pages/booking/detail', { id: String(made.id) })
  expect(text(after, '.when')).toMatch(/09:00–10:00$/)
  expect(texts(after, '.extension')).toEqual([])
  const messages = await open(member, 'pages/notices/index')
  expect(texts(messages, '.notice-title')).toContain('●加长申请已通过')
})
