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
  methods: Object.assign({}, closing.formMethods, {
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
    closurePath() {
      return `/api/v1/venues/${this.data.id}/closures`
    },
    scope() {
      return {}
    },
    async closed(made) {
      this.setData({ done: closing.doneText(made, '已停用'), reason: '', error: '' })
      await this.load()
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
  }),
})
