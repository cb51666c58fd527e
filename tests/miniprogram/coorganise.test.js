// Co-organisers: the owner asks a member to co-organise by a WeChat card; the co-organiser finds
// the meeting among their bookings and checks it in when the owner is held up; the owner stops
// asking one, another leaves; a card passed on after it was taken lets nobody in, and a third
// finds both seats taken.
const { open, tap, text, texts } = require('./support/pages')
const stack = require('./support/stack')

afterEach(() => stack.setClock(stack.now()))

async function named(who, name) {
  const token = await stack.login(who)
  const r = await stack.call('PATCH', '/api/v1/me', { name }, token)
  if (r.status !== 200) throw new Error('cannot name: ' + JSON.stringify(r.body))
  return token
}

// The owner's invitation for `bookingId`, made through the API: its code.
async function invitation(owner, bookingId) {
  const r = await stack.call('POST', `/api/v1/bookings/${bookingId}/coorganisers/invitation`, {}, await stack.login(owner))
  if (r.status !== 201) throw new Error('cannot invite: ' + JSON.stringify(r.body))
  return r.body.code
}

test('the owner sends a co-organiser card; the co-organiser accepts, finds the meeting and checks it in for the owner', async () => {
  const day = stack.tomorrow(9)
  stack.grantRole('guanli19', 'manager', '--building-ids', '1')
  const manager = await stack.memberPhone('guanli19')
  const hall = await open(manager, 'pages/manage/hall', { id: '4' })
  const code = text(hall, '.code')
  expect(code).not.toBe('')
  const made = await stack.book('zuzhi', 4, day, '15:00', '16:00', '主题党日', 12)
  await named('xiezhu', '王协办')

  const owner = await stack.memberPhone('zuzhi')
  const detail = await open(owner, 'pages/booking/detail', { id: String(made.id) })
  expect(text(detail, '.share')).toBe('')
  await tap(detail, '.invite')
  expect(text(detail, '.done')).toBe('请点“发给协办人”，在微信里选要请的人。一张邀请只请一位，最多请两位。')
  expect(text(detail, '.share')).toBe('发给协办人')
  const card = detail.instance.onShareAppMessage({ from: 'button' })
  expect(card.title).toMatch(/^请您协办：.+ \d{1,2}月\d{1,2}日.* 15:00–16:00$/)
  const [page, query] = card.path.slice(1).split('?')
  expect(page).toBe('pages/coorganise/index')
  const inviteCode = new URLSearchParams(query).get('code')

  const deputy = await stack.memberPhone('xiezhu')
  const invited = await open(deputy, page, { code: inviteCode })
  expect(text(invited, '.hint')).toContain('预约人来不及到场时，您可以替他扫码签到')
  await tap(invited, '.accept')
  expect(text(invited, '.done')).toBe('您已是这场活动的协办人，到时候可以扫场地门口的码签到。')
  expect(text(invited, '.purpose')).toBe('主题党日')
  expect(text(invited, '.when')).toMatch(/15:00–16:00$/)

  const list = await open(deputy, 'pages/bookings/index')
  expect(texts(list, '.coorganised')).toEqual(['我是协办人'])
  const seen = await open(deputy, 'pages/booking/detail', { id: String(made.id) })
  expect(text(seen, '.coorganiser-hint')).toBe('您是这场活动的协办人，可以替预约人扫码签到。')
  expect(text(seen, '.checkin')).toBe('到场后扫码签到')
  for (const only of ['.cancel', '.change', '.invite', '.remove']) expect(text(seen, only)).toBe('')

  const again = await open(owner, 'pages/booking/detail', { id: String(made.id) })
  expect(text(again, '.coorganiser-names')).toBe('王协办')
  expect(texts(again, '.remove')).toEqual(['不再请王协办协办'])
  const told = await open(owner, 'pages/notices/index')
  expect(texts(told, '.notice-title')).toContain('●有人成为您预约的协办人')

  // The owner is held up: the co-organiser checks in with the hall's code.
  await stack.setClock(stack.shanghai(`${day}T14:55`))
  const checkin = await open(deputy, 'pages/checkin/index', { scene: code })
  expect(text(checkin, '.result')).toBe('签到成功：15:00–16:00，主题党日。请让参加的同志也扫一下这个码。')
  const after = await open(owner, 'pages/booking/detail', { id: String(made.id) })
  expect(text(after, '.status')).toBe('已签到')
})

test('one card, one co-organiser, two seats: a card passed on is refused, a third is told the seats are taken; the owner stops asking one, the other leaves by themself', async () => {
  const day = stack.tomorrow(10)
  const made = await stack.book('zuzhi2', 4, day, '10:00', '11:00', '支部学习', 8)
  await named('xiezhu2', '赵一')
  await named('xiezhu3', '钱二')
  const cards = []
  for (const who of ['xiezhu2', 'xiezhu3']) {
    const code = await invitation('zuzhi2', made.id)
    cards.push(code)
    const r = await stack.call('POST', '/api/v1/coorganisers/join', { code }, await stack.login(who))
    expect(r.status).toBe(200)
  }
  const third = await stack.memberPhone('xiezhu4')
  const passedOn = await open(third, 'pages/coorganise/index', { code: cards[0] })
  await tap(passedOn, '.accept')
  expect(text(passedOn, '.error')).toBe('这个邀请码已经有人用过了，请向邀请人要一个新的。')
  const late = await open(third, 'pages/coorganise/index', { code: await invitation('zuzhi2', made.id) })
  await tap(late, '.accept')
  expect(text(late, '.error')).toBe('这条预约已经有两位协办人了，请预约人先移除一位。')

  const owner = await stack.memberPhone('zuzhi2')
  const detail = await open(owner, 'pages/booking/detail', { id: String(made.id) })
  expect(text(detail, '.coorganiser-names')).toBe('赵一、钱二')
  expect(text(detail, '.invite')).toBe('') // both seats taken
  owner.modalAnswers.push(false)
  await tap(detail, '.remove')
  expect(text(detail, '.coorganiser-names')).toBe('赵一、钱二')
  await tap(detail, '.remove')
  expect(owner.modals.map((m) => m.content)[1]).toBe('确定不再请赵一协办吗？他将看不到这条预约，也不能替您签到。')
  expect(text(detail, '.done')).toBe('已不再请他协办。')
  expect(text(detail, '.coorganiser-names')).toBe('钱二')
  expect(text(detail, '.invite')).toBe('请人协办（可替您签到）')

  const removed = await stack.memberPhone('xiezhu2')
  const gone = await open(removed, 'pages/booking/detail', { id: String(made.id) })
  expect(text(gone, '.error')).not.toBe('')
  expect(text(gone, '.purpose')).toBe('')

  const other = await stack.memberPhone('xiezhu3')
  const mine = await open(other, 'pages/booking/detail', { id: String(made.id) })
  await tap(mine, '.leave')
  expect(text(mine, '.done')).toBe('您已不再是这场活动的协办人。')
  expect(text(mine, '.purpose')).toBe('')
  const list = await open(other, 'pages/bookings/index')
  expect(texts(list, '.coorganised')).toEqual([])
})
