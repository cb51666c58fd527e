// 消息: every notice the server keeps for the member (approved, rejected, cancelled, reminders,
// no-shows, bans), whether or not a WeChat message could also be sent. Unread ones stand out;
// opening one marks it read and opens its booking.
const api = require('../../utils/api')
const config = require('../../utils/config')
const errors = require('../../utils/errors')
const format = require('../../utils/format')
const subscribe = require('../../utils/subscribe')

function bankedText(banked) {
  const n = banked[config.TEMPLATES.reminder] || 0
  return n ? `还可以收到 ${n} 次会前提醒（微信消息）。` : '现在收不到微信消息提醒，通知只在这里显示。'
}

Component({
  data: { items: [], unread: 0, banked: '', error: '', loaded: false },
  methods: {
    onLoad() {
      return this.load()
    },
    onShow() {
      return this.data.loaded ? this.load() : Promise.resolve()
    },
    async load() {
      try {
        const page = await api.get('/api/v1/me/notices?page_size=50')
        const items = page.items.map((n) => ({
          id: n.id,
          title: n.title,
          read: n.read,
          at: format.moment(n.created_at),
          about: n.booking ? `${n.booking.venue_name} ${format.day(n.booking.date)} ${n.booking.start}–${n.booking.end}` : '',
          note: n.note,
          bookingId: n.subject.kind === 'booking' ? n.subject.id : 0,
        }))
        const subs = await api.get('/api/v1/me/subscriptions')
        this.setData({ items, unread: page.unread, banked: bankedText(subs.banked), loaded: true, error: '' })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    async open(e) {
      const id = Number(e.currentTarget.dataset.id)
      const item = this.data.items.find((n) => n.id === id)
      try {
        if (!item.read) {
          const r = await api.post('/api/v1/me/notices/read', { ids: [id] })
          const items = this.data.items.map((n) => (n.id === id ? Object.assign({}, n, { read: true }) : n))
          this.setData({ items, unread: r.unread })
        }
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
      if (item.bookingId) wx.navigateTo({ url: `/pages/booking/detail?id=${item.bookingId}` })
    },
    // Asked only on this tap: each "允许" is one more message WeChat lets us send.
    async subscribe() {
      const t = config.TEMPLATES
      try {
        const banked = await subscribe.ask([t.result, t.reminder, t.cancelled])
        if (banked) this.setData({ banked: bankedText(banked) })
      } catch (err) {
        this.setData({ error: err.errMsg ? '没有开启消息提醒。' : errors.sentence(err) })
      }
    },
    async readAll() {
      try {
        const r = await api.post('/api/v1/me/notices/read', { all: true })
        this.setData({ items: this.data.items.map((n) => Object.assign({}, n, { read: true })), unread: r.unread })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
  },
})
