// People on the phone: an invitation taken into a role, the profile (name, phone, branch),
// and a late cancellation warned about and then shown among the member's violations.
const { open, tap, type, fire, text, texts } = require('./support/pages')
const stack = require('./support/stack')

afterEach(() => stack.setClock(stack.now()))

test('an invitation opened from its code makes the member a manager once; a second taker is told it is used', async () => {
  stack.grantRole('quadmin', 'district_admin')
  const admin = await stack.login('quadmin')
  const inv = await stack.call('POST', '/api/v1/invitations', { role: 'manager', building_ids: [1], days: 3 }, admin)
  expect(inv.status).toBe(201)

  const invited = await stack.memberPhone('yangfan')
  const page = await open(invited, 'pages/invite/index', { scene: inv.body.code })
  expect(text(page, '.accept')).toBe('接受邀请')
  await tap(page, '.accept')
  expect(text(page, '.result')).toBe('已接受邀请，您现在是场地管理员。')
  const profile = await open(invited, 'pages/profile/index')
  expect(text(profile, '.role')).toBe('场地管理员')
  expect(text(profile, '.manage')).toBe('场地管理')

  // Scanned later by someone else: the server's sentence for a used invitation.
  const late = await stack.memberPhone('lugang')
  late.scans.push({ path: `pages/invite/index?scene=${inv.body.code}` })
  const scanned = await open(late, 'pages/invite/index', {})
  await tap(scanned, '.accept') // no code yet: scans
  await tap(scanned, '.accept')
  expect(text(scanned, '.error')).toMatch(/邀请.*用过/)
})

test('the profile keeps a name, the WeChat phone number (removed again on request), and a request to join a branch', async () => {
  stack.grantRole('quadmin2', 'district_admin')
  const admin = await stack.login('quadmin2')
  const unit = await stack.call('POST', '/api/v1/units', { name: '新城置业有限公司', kind: 'enterprise', street_id: 1 }, admin)
  expect(unit.status).toBe(201)
  const branch = await stack.call('POST', '/api/v1/branches', { name: '新城置业党支部', street_id: 1, unit_ids: [unit.body.id] }, admin)
  expect(branch.status).toBe(201)

  const phone = await stack.memberPhone('gaojing')
  const me = await open(phone, 'pages/profile/index')
  expect(text(me, '.phone')).toBe('还没有填写')
  await type(me, '.name', '高静')
  await tap(me, '.save-name')
  expect(text(me, '.saved')).toBe('姓名已保存')
  await fire(me, '.get-phone', 'getphonenumber', { code: 'phone-13912345678', errMsg: 'getPhoneNumber:ok' })
  expect(text(me, '.phone')).toBe('13912345678')
  await fire(me, '.get-phone', 'getphonenumber', { errMsg: 'getPhoneNumber:fail user deny' })
  expect(text(me, '.error')).toBe('没有拿到手机号。需要时可以再点一次。')
  // A correction: the number can be removed again (asked first).
  phone.modalAnswers.push(false)
  await tap(me, '.remove-phone')
  expect(text(me, '.phone')).toBe('13912345678')
  await tap(me, '.remove-phone')
  expect(text(me, '.phone')).toBe('还没有填写')
  expect(text(me, '.saved')).toBe('手机号已删除')
  expect(text(me, '.remove-phone')).toBe('')

  await type(me, '.branch-query', '新城置业')
  await tap(me, '.find-branch')
  expect(texts(me, '.branch-choice')[0]).toContain('新城置业党支部')
  await tap(me, '.join')
  expect(text(me, '.branch')).toBe('新城置业党支部（等待支部确认）')
  const again = await open(phone, 'pages/profile/index')
  expect(again.instance.data.name).toBe('高静') // the name field's value
  expect(text(again, '.branch')).toBe('新城置业党支部（等待支部确认）')

  // A joint branch: the member says which of its units they are from.
  const other = await stack.call('POST', '/api/v1/units', { name: '越洋物业管理处', kind: 'enterprise', street_id: 1 }, admin)
  const joint = await stack.call('POST', '/api/v1/branches', { name: '楼宇联合党支部', street_id: 1, unit_ids: [unit.body.id, other.body.id] }, admin)
  expect(joint.status).toBe(201)
  const second = await stack.memberPhone('hemei')
  const page = await open(second, 'pages/profile/index')
  await type(page, '.branch-query', '联合')
  await tap(page, '.find-branch')
  const choices = texts(page, '.branch-choice')
  expect(choices.length).toBe(2)
  const mine = choices.findIndex((t) => t.includes('越洋物业管理处'))
  await tap(page, '.join', mine)
  expect(text(page, '.branch')).toBe('楼宇联合党支部（越洋物业管理处）（等待支部确认）')
  const token = await second.act(async () => wx.getStorageSync('sh_token'))
  expect((await stack.call('GET', '/api/v1/me', undefined, token)).body.branch.unit_id).toBe(other.body.id)
})

test('cancelling after the deadline warns first, then counts as a late cancellation the profile shows', async () => {
  const day = stack.tomorrow(6)
  const made = await stack.book('dengfei', 6, day, '10:00', '11:00', '主题党日', 20)
  // An hour before: inside the hall's two hours. The phone's own clock does not know it; the
  // server says so, and the member is warned before anything is counted.
  await stack.setClock(stack.shanghai(`${day}T09:00`))
  const phone = await stack.memberPhone('dengfei')
  const detail = await open(phone, 'pages/booking/detail', { id: String(made.id) })
  expect(text(detail, '.status')).toBe('已预约')
  await tap(detail, '.cancel')
  expect(phone.modals.map((m) => m.content)).toEqual([
    '确定要取消这条预约吗？取消后别人就可以预约这个时段了。',
    '离开始已经很近了，现在取消会记一次“临近开始才取消”，记满会暂停预约。确定要取消吗？',
  ])
  expect(text(detail, '.status')).toBe('已取消')
  const me = await open(phone, 'pages/profile/index')
  expect(texts(me, '.violation')[0]).toContain('临近开始才取消')
})

test('a member who says no to the late warning keeps the booking', async () => {
  const day = stack.tomorrow(6)
  const made = await stack.book('fangyu', 6, day, '15:00', '16:00', '党小组会', 6)
  await stack.setClock(stack.shanghai(`${day}T14:30`))
  const phone = await stack.memberPhone('fangyu')
  phone.modalAnswers.push(true, false) // "yes, cancel" — then, told it is late, "no"
  const detail = await open(phone, 'pages/booking/detail', { id: String(made.id) })
  await tap(detail, '.cancel')
  expect(text(detail, '.status')).toBe('已预约')
  const me = await open(phone, 'pages/profile/index')
  expect(text(me, '.violation')).toBe('')
})
