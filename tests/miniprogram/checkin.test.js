// Check-in at the hall's printed code: the window's times when it is closed, the owner's
// check-in, and a friend's scan counted once.
const { open, tap, type, fire, text } = require('./support/pages')
const stack = require('./support/stack')

afterEach(() => stack.setClock(stack.now()))

test("outside its window the page shows the window; inside, the owner checks in and a friend's scan is counted", async () => {
  const day = stack.tomorrow(4)
  stack.grantRole('guanli', 'manager', '--building-ids', '1')
  const manager = await stack.memberPhone('guanli')
  const hall = await open(manager, 'pages/manage/hall', { id: '4' })
  const code = text(hall, '.code')
  expect(code).not.toBe('')

  const made = await stack.book('chenfang', 4, day, '10:00', '11:00', '党员大会', 30)

  const owner = await stack.memberPhone('chenfang')
  await stack.setClock(stack.shanghai(`${day}T09:00`))
  const early = await open(owner, 'pages/checkin/index', { scene: code })
  expect(text(early, '.window')).toBe('现在不在签到时间内。签到时间是 09:45 到 10:15。')
  expect(text(early, '.result')).toBe('')

  await stack.setClock(stack.shanghai(`${day}T09:50`))
  const onTime = await open(owner, 'pages/checkin/index', { scene: code })
  expect(text(onTime, '.result')).toBe('签到成功：10:00–11:00，党员大会。请让参加的同志也扫一下这个码。')

  const friend = await stack.memberPhone('liuyang')
  const scanPage = await open(friend, 'pages/checkin/index', {})
  friend.scans.push({ path: `pages/checkin/index?scene=${encodeURIComponent(code)}`, scanType: 'WX_CODE' })
  await tap(scanPage, '.scan')
  const counted = text(scanPage, '.result').match(/^已签到，现在到场 (\d+) 人。$/)
  expect(counted).not.toBeNull()
  friend.scans.push({ path: `pages/checkin/index?scene=${encodeURIComponent(code)}`, scanType: 'WX_CODE' })
  await tap(scanPage, '.scan')
  expect(text(scanPage, '.result')).toBe(`您已经签过到了，现在到场 ${counted[1]} 人。`)

  const detail = await open(owner, 'pages/booking/detail', { id: String(made.id) })
  expect(text(detail, '.status')).toBe('已签到')
  expect(text(detail, '.present')).toBe(`${counted[1]}人`)

  // The meeting is over at 10:20: "not yet" keeps it; "end" gives 10:30–11:00 back at once.
  await stack.setClock(stack.shanghai(`${day}T10:20`))
  owner.modalAnswers.push(false)
  await tap(detail, '.end')
  expect(text(detail, '.status')).toBe('已签到')
  await tap(detail, '.end')
  expect(owner.modals.map((m) => m.content)).toEqual([
    '活动已经结束了吗？结束后，剩下的时间别人就可以预约了，不算违约。',
    '活动已经结束了吗？结束后，剩下的时间别人就可以预约了，不算违约。',
  ])
  expect(text(detail, '.status')).toBe('已结束')
  expect(text(detail, '.when')).toMatch(/10:00–10:30$/)
  expect(text(detail, '.done')).toBe('已结束。10:30 以后的时间别人可以预约了。')
  expect(text(detail, '.end')).toBe('')
  const next = await stack.book('liuyang', 4, day, '10:30', '11:00', '支部委员会', 5)
  expect(next.status).toBe('confirmed')
})

test('a member changes a booking instead of cancelling it: a later hour and more people; late, giving time back is asked first', async () => {
  const day = stack.tomorrow(5)
  const made = await stack.book('zhouqing', 4, day, '14:00', '14:30', '支部学习', 10)
  const phone = await stack.memberPhone('zhouqing')
  await stack.setClock(stack.shanghai(`${day}T08:00`))
  const detail = await open(phone, 'pages/booking/detail', { id: String(made.id) })
  expect(text(detail, '.change')).toBe('修改时间或人数')
  await tap(detail, '.change')
  const times = detail.instance.data.times
  await fire(detail, '.pick-start', 'change', { value: String(times.indexOf('15:00')) })
  await fire(detail, '.pick-end', 'change', { value: String(times.indexOf('16:00')) })
  await type(detail, '.attendees', '25')
  await tap(detail, '.save')
  expect(text(detail, '.error')).toBe('')
  expect(text(detail, '.done')).toBe('已修改。')
  expect(text(detail, '.when')).toMatch(/15:00–16:00$/)
  expect(text(detail, '.status')).toBe('已预约')
  // The half hour given back is free for another member at once.
  const other = await stack.book('liuyang', 4, day, '14:00', '14:30', '支部委员会', 5)
  expect(other.status).toBe('confirmed')

  // 14:00 is past the 13:00 deadline: giving back 15:30–16:00 is asked first, with its weight;
  // "不改了" keeps the hour, "确定修改" gives it back.
  await stack.setClock(stack.shanghai(`${day}T14:00`))
  const late = await open(phone, 'pages/booking/detail', { id: String(made.id) })
  await tap(late, '.change')
  await fire(late, '.pick-end', 'change', { value: String(late.instance.data.times.indexOf('15:30')) })
  phone.modalAnswers.push(false)
  await tap(late, '.save')
  expect(text(late, '.when')).toMatch(/15:00–16:00$/)
  await tap(late, '.save')
  expect(phone.modals.map((m) => m.content)).toEqual([
    '离开始已经很近了，现在缩短时间会记0.25次“临近开始才缩短时间”，记满会暂停预约。确定要改吗？',
    '离开始已经很近了，现在缩短时间会记0.25次“临近开始才缩短时间”，记满会暂停预约。确定要改吗？',
  ])
  expect(text(late, '.done')).toBe('已修改。')
  expect(text(late, '.when')).toMatch(/15:00–15:30$/)
})
