// Closing halls for a while — one hall (its manager), or every hall of a street or of the
// district at once (their admins): sent first without cancelling anything; when bookings are in
// the way the member is asked, with how many would be cancelled and told, before sending again.
const api = require('./api')
const wxp = require('./wxp')

// Resolves to the server's answer, or null when the admin chose not to cancel the bookings.
async function close(path, body) {
  try {
    return await api.post(path, Object.assign({}, body, { cancel_conflicting: false }))
  } catch (err) {
    if (err.code !== 'conflicts_with_bookings') throw err
    const n = (err.details.booking_ids || []).length
    const ask = await wxp.call('showModal', {
      title: '这段时间已有预约',
      content: `停用会取消 ${n} 条预约，并通知预约人。确定停用吗？`,
      confirmText: '停用并通知',
      cancelText: '先不停用',
    })
    if (!ask.confirm) return null
    return api.post(path, Object.assign({}, body, { cancel_conflicting: true }))
  }
}

// "已停用，取消了 2 条预约，预约人会收到通知。"
function doneText(made, what) {
  const n = made.cancelled_booking_ids.length
  return n ? `${what}，取消了 ${n} 条预约，预约人会收到通知。` : `${what}。`
}

module.exports = { close, doneText }
