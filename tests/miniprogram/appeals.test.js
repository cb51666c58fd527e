// A violation thought unfair: the member appeals it from 我的 within 7 days, the street's admin
// reads why and waives it (or keeps it, with a word), and the member is told.
const { open, tap, type, text, texts } = require('./support/pages')
const { follow } = require('./support/follow')
const stack = require('./support/stack')

afterEach(() => stack.setClock(stack.now()))

// `who` books hall 6 (street 1) today at `start` (the server's clock put back to yesterday noon)
// and does not come: the no-show job runs 16 minutes in. Today, so that the job releases no
// other test's booking (they book from tomorrow on).
async function noShow(who, start) {
  const today = stack.tomorrow(0)
  await stack.setClock(stack.shanghai(`${stack.tomorrow(-1)}T12:00`))
  const [h, m] = start.split(':').map(Number)
  const end = `${String(h + 1).padStart(2, '0')}:${String(m).padStart(2, '0')}`
  await stack.book(who, 6, today, start, end, '支部学习', 8)
  await stack.setClock(stack.shanghai(`${today}T${String(h).padStart(2, '0')}:${String(m + 16).padStart(2, '0')}`))
  await stack.runJob('release_no_shows')
}

test("a member appeals a no-show with a reason; the street's admin waives it and the member reads so", async () => {
  stack.grantRole('jiedao2', 'street_admin', '--street-id', '1')
  await noShow('shensu', '09:00')

  const phone = await stack.memberPhone('shensu')
  const me = await open(phone, 'pages/profile/index')
  expect(text(me, '.violation-text')).toContain('预约后未签到')
  await tap(me, '.appeal')
  await tap(me, '.send-appeal') // no reason yet: asked for one
  expect(text(me, '.error')).toBe('请写明申诉的理由。')
  await type(me, '.appeal-reason', '当天突发急病住院，来不及取消')
  await tap(me, '.send-appeal')
  expect(text(me, '.saved')).toBe('申诉已提交，街道管理员处理后会通知您。')
  expect(text(me, '.violation-text')).toContain('（已申诉，等待街道处理）')
  expect(texts(me, '.appeal')).toEqual([]) // once

  const admin = await stack.memberPhone('jiedao2')
  const told = await open(admin, 'pages/notices/index')
  expect(texts(told, '.notice-title')).toContain('●有违约申诉等您处理')
  const manage = await open(admin, 'pages/manage/index')
  await tap(manage, '.appeals')
  const list = await follow(admin)
  expect(text(list, '.title')).toBe('等待处理的申诉（1）')
  expect(text(list, '.appeal .reason')).toBe('申诉理由：当天突发急病住院，来不及取消')
  expect(text(list, '.appeal .what')).toBe('预约后未签到，记1次')
  await tap(list, '.keep') // keeping needs a word to the member
  expect(text(list, '.error')).toBe('请写上维持的理由，申诉人会看到。')
  await tap(list, '.waive')
  expect(text(list, '.done')).toBe('已免除这条违约记录，申诉人会收到通知。')
  expect(text(list, '.empty')).toBe('没有等待处理的申诉。')

  const after = await open(phone, 'pages/profile/index')
  expect(text(after, '.violation-text')).toContain('（申诉通过，已免除）')
  const messages = await open(phone, 'pages/notices/index')
  expect(texts(messages, '.notice-title')).toContain('●申诉通过，违约记录已免除')
})

test('an appeal kept shows the admin\'s reason to the member; a manager has no appeals button', async () => {
  stack.grantRole('jiedao3', 'street_admin', '--street-id', '1')
  stack.grantRole('guanli11', 'manager', '--building-ids', '1')
  await noShow('shensu2', '11:00')
  const phone = await stack.memberPhone('shensu2')
  const me = await open(phone, 'pages/profile/index')
  await tap(me, '.appeal')
  await type(me, '.appeal-reason', '忘记了')
  await tap(me, '.send-appeal')

  const admin = await stack.memberPhone('jiedao3')
  const list = await open(admin, 'pages/manage/appeals')
  await type(list, '.note', '没有说明正当理由，记录保留')
  await tap(list, '.keep')
  expect(text(list, '.done')).toBe('已维持这条违约记录，申诉人会收到通知和理由。')
  const after = await open(phone, 'pages/profile/index')
  expect(text(after, '.violation-text')).toContain('（申诉未通过：没有说明正当理由，记录保留）')

  const manager = await stack.memberPhone('guanli11')
  const manage = await open(manager, 'pages/manage/index')
  expect(texts(manage, '.appeals')).toEqual([])
})
