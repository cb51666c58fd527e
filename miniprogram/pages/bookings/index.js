// 我的预约: what is still to come (waiting for approval, booked, checked in) and what is over;
// the bookings the member co-organises are among them, marked, and so is more time asked for.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const format = require('../../utils/format')
const venues = require('../../utils/venues')

const LIVE = ['pending', 'confirmed', 'checked_in']

Component({
  data: { tab: 'upcoming', upcoming: [], past: [], shown: [], error: '', loaded: false },
  methods: {
    onLoad() {
      return this.load()
    },
    onShow() {
      return this.data.loaded ? this.load() : Promise.resolve()
    },
    async load() {
      try {
        const from = format.addDays(format.dateOf(Date.now()), -90)
        const list = await api.get(`/api/v1/me/bookings?from=${from}`)
        const names = await venues.names(list.items.map((b) => b.venue_id))
        const me = (api.user() || {}).id
        const rows = list.items.map((b) => ({
          id: b.id,
          hall: names[b.venue_id],
          when: `${format.day(b.date)} ${b.start}–${b.end}`,
          status: b.status,
          statusText: format.STATUS[b.status],
          coorganised: b.user_id !== me, // someone else's, which this member co-organises
          asking: b.extension ? `已申请改为 ${b.extension.start}–${b.extension.end}，等待管理员同意` : '',
          at: b.starts_at,
        }))
        const upcoming = rows.filter((r) => LIVE.indexOf(r.status) >= 0).sort((x, y) => (x.at < y.at ? -1 : 1))
        const past = rows.filter((r) => LIVE.indexOf(r.status) < 0).sort((x, y) => (x.at > y.at ? -1 : 1))
        this.setData({ upcoming, past, loaded: true, error: '' })
        this.show(this.data.tab)
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    show(tab) {
      this.setData({ tab, shown: tab === 'upcoming' ? this.data.upcoming : this.data.past })
    },
    switchTab(e) {
      this.show(e.currentTarget.dataset.tab)
    },
    open(e) {
      wx.navigateTo({ url: `/pages/booking/detail?id=${e.currentTarget.dataset.id}` })
    },
    find() {
      wx.switchTab({ url: '/pages/index/index' })
    },
  },
})
