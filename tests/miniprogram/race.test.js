// Two phones want the same slot: one gets it, the other is told in plain Chinese and sees the
// day as it now is.
const { open, tap, tapSlot, text, texts } = require('./support/pages')
const { follow } = require('./support/follow')
const stack = require('./support/stack')

const TAKEN = '这个时段刚被别人订了，请换一个时段。'

// What the grid says of the slot starting at `start`.
function stateAt(grid, start) {
  const i = texts(grid, '.slot').findIndex((t) => t.startsWith(start))
  return texts(grid, '.slot .state')[i]
}

test('two phones on one slot: the first books it; the second reads the slot_taken sentence and a refreshed grid', async () => {
  const day = stack.tomorrow(2)
  const a = await stack.memberPhone('zhaomin')
  const b = await stack.memberPhone('qianli')
  const gridA = await open(a, 'pages/venue/index', { id: '2', date: day })
  const gridB = await open(b, 'pages/venue/index', { id: '2', date: day })
  expect(stateAt(gridB, '14:00')).toBe('空闲')

  await tapSlot(gridA, '14:00')
  await tapSlot(gridA, '14:45')
  expect(text(gridA, '.choice')).toBe('已选 14:00–15:00')
  await tap(gridA, '.hold')
  const form = await follow(a)
  await form.phone.act(async () => {
    form.instance.inputPurpose({ detail: { value: '党课学习' } })
    form.instance.inputAttendees({ detail: { value: '12' } })
  })
  await tap(form, '.submit')
  expect(text(form, '.result')).toBe('预约成功')

  // B's grid still shows the slot free; B taps it and is told, and the grid is read again.
  expect(stateAt(gridB, '14:00')).toBe('空闲')
  await tapSlot(gridB, '14:00')
  await tap(gridB, '.hold')
  expect(text(gridB, '.error')).toBe(TAKEN)
  expect(stateAt(gridB, '14:00')).toBe('已被预约')
  expect(b.navigations).toEqual([]) // no form opened for B
})

test('two phones tapping at the same moment: exactly one holds the slot', async () => {
  const day = stack.tomorrow(2)
  const a = await stack.memberPhone('sunwei')
  const b = await stack.memberPhone('zhouyan')
  const gridA = await open(a, 'pages/venue/index', { id: '2', date: day })
  const gridB = await open(b, 'pages/venue/index', { id: '2', date: day })
  await tapSlot(gridA, '16:00')
  await tapSlot(gridB, '16:00')
  await Promise.all([tap(gridA, '.hold'), tap(gridB, '.hold')])
  const held = [a, b].filter((p) => p.navigations.length === 1)
  expect(held.length).toBe(1)
  const loser = held[0] === a ? gridB : gridA
  expect(text(loser, '.error')).toBe(TAKEN)
  expect(stateAt(loser, '16:00')).toBe('有人正在预订')
})
