// 消息: every notice the server keeps for the member (approved, rejected, cancelled, reminders,
// no-shows, bans), whether or not a WeChat message could also be sent. Unread ones stand out;
// opening one marks it read and opens its booking.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const format = require('../../utils/format')

Component({
  data: { items: [], unread: 0, error: '', loaded: false },
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
        this.setData({ items, unread: page.unread, loaded: true, error: '' })
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
