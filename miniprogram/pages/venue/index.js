// A hall's day as a grid (GET /venues/{id}/availability): free, held, booked, closed, past.
// The member taps the first and the last free slot of the time they want; the main action holds
// it and opens the form. When someone else was quicker (slot_taken), the sentence says so and
// the grid is read again, so what the member sees is what is true now.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const format = require('../../utils/format')

// The hall's own rules in a sentence ('' when it has none): who may book it, how far ahead, how
// many bookings to come one member may hold in it, the time kept free after each booking.
function rulesOf(v) {
  const parts = []
  if (v.open_to === 'street') parts.push('只对本街道党员开放')
  if (v.open_to === 'units') parts.push('只对指定单位的党员开放')
  const n = v.min_notice_minutes
  if (n > 0) parts.push(n % 1440 === 0 ? `要提前${n / 1440}天预约` : `要提前${Math.ceil(n / 60)}小时预约`)
  if (v.max_active_here > 0) parts.push(`每人最多同时约${v.max_active_here}场`)
  if (v.buffer_minutes > 0) parts.push(`每场之后留${v.buffer_minutes}分钟整理`)
  return parts.join('，')
}

Component({
  data: {
    id: 0,
    date: '',
    dateText: '',
    venue: null,
    rules: '',
    slots: [],
    first: -1,
    last: -1,
    choice: '',
    error: '',
  },
  methods: {
    onLoad(query) {
      this.setData({ id: Number(query.id), date: query.date || format.dateOf(Date.now()) })
      return this.load()
    },
    async load() {
      try {
        if (!this.data.venue) {
          const venue = await api.get(`/api/v1/venues/${this.data.id}`)
          this.setData({ venue, rules: rulesOf(venue) })
        }
        await this.readGrid()
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    async readGrid() {
      const a = await api.get(`/api/v1/venues/${this.data.id}/availability?date=${this.data.date}`)
      const slots = a.slots.map((s) => ({
        start: s.start,
        end: s.end,
        state: s.state,
        label: format.SLOT[s.state],
        chosen: false,
      }))
      this.setData({ slots, first: -1, last: -1, choice: '', dateText: format.day(this.data.date) })
    },
    async move(e) {
      this.setData({ date: format.addDays(this.data.date, Number(e.currentTarget.dataset.days)), error: '' })
      try {
        await this.readGrid()
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    // First tap: the start; second tap: the end (a range of free slots); a third starts again.
    tap(e) {
      const i = Number(e.currentTarget.dataset.index)
      const slots = this.data.slots
      if (slots[i].state !== 'free') return
      let { first, last } = this.data
      if (first < 0 || last >= 0 || i < first) {
        first = i
        last = -1
      } else {
        for (let k = first; k <= i; k++)
          if (slots[k].state !== 'free') {
            this.setData({ error: '中间有不能预约的时段，请重新选择。' })
            return
          }
        last = i
      }
      const end = last >= 0 ? last : first
      const marked = slots.map((s, k) => Object.assign({}, s, { chosen: k >= first && k <= end }))
      this.setData({
        slots: marked,
        first,
        last,
        error: '',
        choice: `${slots[first].start}–${slots[end].end}`,
      })
    },
    async hold() {
      const { first, last, slots } = this.data
      if (first < 0) {
        this.setData({ error: '请先点选想用的时段。' })
        return null
      }
      const end = last >= 0 ? last : first
      try {
        const hold = await api.post('/api/v1/holds', {
          venue_id: this.data.id,
          date: this.data.date,
          start: slots[first].start,
          end: slots[end].end,
        })
        wx.navigateTo({ url: `/pages/book/index?hold=${encodeURIComponent(JSON.stringify(hold))}` })
        return hold
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        if (err.code === 'slot_taken') await this.readGrid().catch(() => {})
        return null
      }
    },
  },
})
