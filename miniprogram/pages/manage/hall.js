// One hall for its manager: times it is closed (add one, listing the bookings it would cancel
// first; remove one), its check-in code and the printable mini-program code to put at the door.
const api = require('../../utils/api')
const closing = require('../../utils/closing')
const errors = require('../../utils/errors')
const format = require('../../utils/format')

function closureText(c) {
  return `${c.from.replace('T', ' ')} 到 ${c.to.replace('T', ' ')}：${c.reason}`
}

Component({
  data: {
    id: 0,
    name: '',
    closures: [],
    fromDate: '',
    fromTime: '08:00',
    toDate: '',
    toTime: '18:00',
    reason: '',
    code: '',
    qr: '',
    error: '',
    done: '',
  },
  methods: {
    onLoad(query) {
      const today = format.dateOf(Date.now())
      this.setData({ id: Number(query.id), fromDate: today, toDate: today })
      return this.load()
    },
    async load() {
      try {
        const v = await api.get(`/api/v1/venues/${this.data.id}`)
        const list = await api.get(`/api/v1/venues/${this.data.id}/closures`)
        const code = await api.get(`/api/v1/venues/${this.data.id}/checkin-code`)
        this.setData({
          name: v.name,
          closures: list.items.map((c) => ({ id: c.id, text: closureText(c) })),
          code: code.venue_code,
          error: '',
        })
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
      return this.sendClosure()
    },
    async sendClosure() {
      const d = this.data
      const body = { from: `${d.fromDate}T${d.fromTime}`, to: `${d.toDate}T${d.toTime}`, reason: d.reason.trim() }
      try {
        const made = await closing.close(`/api/v1/venues/${d.id}/closures`, body)
        if (!made) return null
        this.setData({ done: closing.doneText(made, '已停用'), reason: '', error: '' })
        await this.load()
        return made
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
    async reopen(e) {
      try {
        await api.del(`/api/v1/venues/${this.data.id}/closures/${e.currentTarget.dataset.id}`)
        this.setData({ done: '已恢复开放。' })
        await this.load()
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    // The printable code: WeChat makes it once per hall; shown here to save or print.
    async showCode() {
      try {
        this.setData({ qr: await api.image(`/api/v1/venues/${this.data.id}/qrcode`), error: '' })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    edit() {
      wx.navigateTo({ url: `/pages/manage/venue?id=${this.data.id}` })
    },
  },
})
