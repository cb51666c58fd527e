// Closing halls for a while — one hall (its manager), or every hall of a street or of the
// district at once (their admins): sent first without cancelling anything; when bookings are in
// the way the member is asked, with how many would be cancelled and told, before sending again.
const api = require('./api')
const errors = require('./errors')
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

// The closure form's handlers, shared by the pages that close halls (their methods take these
// in): the pickers, the reason, and the send. The page says where (closurePath()), what else the
// body carries (scope()), and shows what happened (closed(answer)).
const formMethods = {
  pick(e) {
    this.setData({ [e.currentTarget.dataset.field]: e.detail.value })
  },
  inputReason(e) {
    this.setData({ reason: e.detail.value })
  },
  async close() {
    const d = this.data
    if (!d.reason.trim()) {
      this.setData({ error: '请写上停用的原因，受影响的预约人会看到。' })
      return null
    }
    const body = Object.assign({ from: `${d.fromDate}T${d.fromTime}`, to: `${d.toDate}T${d.toTime}`, reason: d.reason.trim() }, this.scope())
    try {
      const made = await close(this.closurePath(), body)
      if (!made) return null
      await this.closed(made)
      return made
    } catch (err) {
      this.setData({ error: errors.sentence(err) })
      return null
    }
  },
}

module.exports = { close, doneText, formMethods }
