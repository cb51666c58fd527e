// 全部场地暂停开放: a street's admin closes every hall of the street (a district admin: of the
// whole district) for a holiday or a security period in one step; the bookings in the way are
// counted first, then cancelled and their members told.
const api = require('../../utils/api')
const closing = require('../../utils/closing')
const errors = require('../../utils/errors')
const format = require('../../utils/format')

Component({
  data: {
    scope: '',
    streetId: null,
    fromDate: '',
    fromTime: '00:00',
    toDate: '',
    toTime: '23:59',
    reason: '',
    error: '',
    done: '',
  },
  methods: {
    async onLoad() {
      const today = format.dateOf(Date.now())
      this.setData({ fromDate: today, toDate: today })
      try {
        const me = api.remember(await api.get('/api/v1/me'))
        const street = me.role === 'street_admin'
        this.setData({ streetId: street ? me.street_id : null, scope: street ? '本街道的全部场地' : '全区的全部场地' })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
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
      const body = { from: `${d.fromDate}T${d.fromTime}`, to: `${d.toDate}T${d.toTime}`, reason: d.reason.trim() }
      if (d.streetId) body.street_id = d.streetId
      try {
        const made = await closing.close('/api/v1/closures', body)
        if (!made) return null
        this.setData({ done: closing.doneText(made, `已停用 ${made.closures.length} 个场地`), reason: '', error: '' })
        return made
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
  },
})
