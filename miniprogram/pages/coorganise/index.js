// 协办邀请, opened from the card an owner shared in WeChat (its path carries the invitation's
// code). Nothing happens until the member taps to accept; then the booking is theirs to see and
// to check in, and it is in 我的预约.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const format = require('../../utils/format')
const venues = require('../../utils/venues')

Component({
  data: { code: '', booking: null, hall: '', when: '', error: '' },
  methods: {
    onLoad(query) {
      this.setData({ code: (query && query.code) || '' })
      if (!this.data.code) this.setData({ error: '这个邀请不完整，请让预约人重新发一次。' })
      return Promise.resolve()
    },
    async accept() {
      try {
        const b = await api.post('/api/v1/coorganisers/join', { code: this.data.code })
        const names = await venues.names([b.venue_id])
        this.setData({ booking: b, hall: names[b.venue_id], when: `${format.day(b.date)} ${b.start}–${b.end}`, error: '' })
        return b
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
    open() {
      wx.redirectTo({ url: `/pages/booking/detail?id=${this.data.booking.id}` })
    },
  },
})
