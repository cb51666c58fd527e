// A hall's own rules, set by its manager on the phone: how far ahead, how many bookings to come
// per member, who may book, the time kept free after each booking. A member reads them on the hall's page; one it is not open to does
// not find it and is told why if they try.
const { open, tap, type, fire, text, texts } = require('./support/pages')
const stack = require('./support/stack')

afterEach(() => stack.setClock(stack.now()))

test("a manager opens a hall to the street's members only, a day ahead, one booking each; an outsider reads so, does not find it and is refused", async () => {
  stack.grantRole('guanli20', 'manager', '--building-ids', '1')
  const manager = await stack.memberPhone('guanli20')
  const form = await open(manager, 'pages/manage/venue', {})
  await type(form, '.name', '九楼党员活动室')
  await type(form, '.capacity', '20')
  await fire(form, '.pick-notice', 'change', { value: '2' })
  await fire(form, '.pick-quota', 'change', { value: '1' })
  await fire(form, '.pick-buffer', 'change', { value: '2' })
  expect(text(form, '.escalation')).toBe('') // only for a hall whose requests need approval
  await fire(form, '.approval', 'change', { value: true })
  expect(text(form, '.escalation')).toBe('1天')
  await fire(form, '.pick-escalation', 'change', { value: '0' })
  await fire(form, '.pick-open-to', 'change', { value: '2' }) // chosen units, but none chosen
  await tap(form, '.save')
  expect(text(form, '.error')).toBe('请至少选一个可以预约的单位。')
  await fire(form, '.pick-open-to', 'change', { value: '1' })
  await tap(form, '.save')
  expect(text(form, '.done')).toBe('已发布，党员现在可以预约了。')
  const id = form.instance.data.id

  const again = await open(manager, 'pages/manage/venue', { id: String(id) })
  expect([text(again, '.notice'), text(again, '.quota'), text(again, '.open-to'), text(again, '.buffer'), text(again, '.escalation')]).toEqual(['提前1天', '1个', '本街道党员', '30分钟', '2小时'])

  const outsider = await stack.memberPhone('waijie') // in no branch of the street
  const hall = await open(outsider, 'pages/venue/index', { id: String(id), date: stack.tomorrow(11) })
  expect(text(hall, '.rules')).toBe('只对本街道党员开放，要提前1天预约，每人最多同时约1场，每场之后留30分钟整理')
  await tap(hall, '.slot', 2) // 10:00 (hourly from 08:00)
  await tap(hall, '.hold')
  expect(text(hall, '.error')).toBe('这个场地只对本街道或指定单位的党员开放，请选别的场地，或联系场地管理员。')

  const find = await open(outsider, 'pages/index/index')
  await fire(find, '.pick-date', 'change', { value: stack.tomorrow(11) })
  await tap(find, '.search')
  expect(texts(find, '.hall .name')).not.toContain('九楼党员活动室')
  const manages = await open(manager, 'pages/index/index') // its manager finds it
  await fire(manages, '.pick-date', 'change', { value: stack.tomorrow(11) })
  await tap(manages, '.search')
  expect(texts(manages, '.hall .name')).toContain('九楼党员活动室')
})
