// The booking form over a hold: the hold's countdown, what the meeting is and how many come.
// The Idempotency-Key is made once when the form opens and kept with the draft in storage
// (utils/drafts.js): a retry after a dropped answer, or the app opened again, sends the same key
// and the server books once. After booking, the member may tap to receive the result and the
// reminder as WeChat messages (asked only on that tap, as WeChat requires).
const api = require('../../utils/api')
const config = require('../../utils/config')
const drafts = require('../../utils/drafts')
const errors = require('../../utils/errors')
const format = require('../../utils/format')
const subscribe = require('../../utils/subscribe')

// What to do next after a refusal, beyond the server's sentence: back to the hall's day.
const CHOOSE_AGAIN = ['slot_taken', 'not_found', 'closed', 'outside_opening_hours', 'in_past']

Component({
  data: {
    draft: null,
    hall: '',
    when: '',
    left: '',
    expired: false,
    sending: false,
    error: '',
    chooseAgain: false,
    booking: null,
    statusText: '',
    subscribeText: '',
  },
  lifetimes: {
    detached() {
      this.stopCountdown()
    },
  },
  methods: {
    onLoad(query) {
      let draft = null
      if (query && query.hold) {
        const hold = JSON.parse(decodeURIComponent(query.hold))
        hold.received_at = Date.now()
        draft = drafts.open(hold)
      } else {
        draft = drafts.pending() // the app was closed with a form open
      }
      if (!draft) {
        this.setData({ error: '没有正在填写的预约，请先选场地和时段。' })
        return Promise.resolve()
      }
      const h = draft.hold
      this.setData({ draft, when: `${format.day(h.date)} ${h.start}–${h.end}` })
      this.startCountdown()
      return api
        .get(`/api/v1/venues/${h.venue_id}`)
        .then((v) => this.setData({ hall: v.name }))
        .catch((err) => this.setData({ error: errors.sentence(err) }))
    },
    // Seconds left as the server counted them when the hold came, less the time since.
    secondsLeft() {
      const h = this.data.draft.hold
      return h.expires_in - (Date.now() - h.received_at) / 1000
    },
    startCountdown() {
      const tick = () => {
        const s = this.secondsLeft()
        this.setData({ left: format.countdown(s), expired: s <= 0 })
        if (s <= 0) this.stopCountdown()
      }
      tick()
      this.timer = setInterval(tick, 1000)
    },
    stopCountdown() {
      if (this.timer) clearInterval(this.timer)
      this.timer = null
    },
    inputPurpose(e) {
      const draft = Object.assign({}, this.data.draft, { purpose: e.detail.value })
      drafts.save(draft)
      this.setData({ draft })
    },
    inputAttendees(e) {
      const draft = Object.assign({}, this.data.draft, { attendees: e.detail.value })
      drafts.save(draft)
      this.setData({ draft })
    },
    async submit() {
      const d = this.data.draft
      if (!d || this.data.sending) return null
      if (!d.purpose.trim()) {
        this.setData({ error: '请写一下活动内容，例如“支部组织生活会”。' })
        return null
      }
      if (!(Number(d.attendees) > 0)) {
        this.setData({ error: '请填写参加人数。' })
        return null
      }
      this.setData({ sending: true, error: '' })
      const h = d.hold
      try {
        const booking = await api.post(
          '/api/v1/bookings',
          {
            venue_id: h.venue_id,
            date: h.date,
            start: h.start,
            end: h.end,
            purpose: d.purpose.trim(),
            attendees: Number(d.attendees),
            hold_id: h.hold_id,
          },
          { 'Idempotency-Key': d.key },
        )
        drafts.done()
        this.stopCountdown()
        this.setData({ booking, statusText: format.STATUS[booking.status], sending: false })
        return booking
      } catch (err) {
        // No answer (or the server could not decide): the same key again on "再试一次", which
        // the server answers with the booking if the first attempt went through.
        const undecided = err.code === 'network' || err.status >= 500 || err.status === 429
        this.setData({
          draft: undecided || err.code === 'sign_in' ? d : drafts.renew(d),
          error: errors.sentence(err),
          chooseAgain: CHOOSE_AGAIN.indexOf(err.code) >= 0,
          sending: false,
        })
        return null
      }
    },
    chooseAgain() {
      const h = this.data.draft.hold
      wx.redirectTo({ url: `/pages/venue/index?id=${h.venue_id}&date=${h.date}` })
    },
    // Asked only on this tap: the result (for a hall that approves) and the reminder.
    async subscribe() {
      const none = '没有开启消息提醒，可以在“消息”里看到所有通知。'
      try {
        const banked = await subscribe.ask([config.TEMPLATES.result, config.TEMPLATES.reminder])
        if (!banked) {
          this.setData({ subscribeText: none })
          return
        }
        const n = banked[config.TEMPLATES.reminder] || 0
        this.setData({ subscribeText: `好的，会前会提醒您。还可以收到 ${n} 次会前提醒。` })
      } catch (err) {
        this.setData({ subscribeText: err.errMsg ? none : errors.sentence(err) })
      }
    },
    openBooking() {
      wx.redirectTo({ url: `/pages/booking/detail?id=${this.data.booking.id}` })
    },
  },
})
