// One booking: where, when, its state, who came. Cancel, with the warning the hall's deadline
// implies (after it, cancelling counts as a late cancellation); check in; end a meeting early so
// that others can use the rest of the time; change its time, attendees or purpose instead of
// cancelling (while it runs, only a later end); add to the calendar; ask up to two members to
// co-organise it (they may check it in: the branch still meets when its organiser is held up),
// shared as a WeChat card. A co-organiser sees it, checks it in, or leaves.
// Opened from the list, from a notice, and from a WeChat message (the server's page).
const api = require('../../utils/api')
const drafts = require('../../utils/drafts')
const errors = require('../../utils/errors')
const format = require('../../utils/format')
const wxp = require('../../utils/wxp')

const LATE_SHRINK = (penalty) =>
  `离开始已经很近了，现在缩短时间会记${penalty}次“临近开始才缩短时间”，记满会暂停预约。确定要改吗？`

// "HH:MM" <-> minutes of the day.
const minutes = (hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))
const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`

const LIVE = ['pending', 'confirmed', 'checked_in']

const LATE_WARNING = '离开始已经很近了，现在取消会记一次“临近开始才取消”，记满会暂停预约。确定要取消吗？'

Component({
  data: {
    booking: null, venue: null, statusText: '', when: '', canCancel: false, canCheckIn: false, canEnd: false,
    canChange: false, editing: false, running: false, times: [], form: null, startIndex: 0, endIndex: 0,
    error: '', done: '', mine: false, amCoorganiser: false, canInvite: false, inviteCode: '', coorganiserNames: '',
  },
  methods: {
    onLoad(query) {
      this.id = Number(query.id)
      return this.load()
    },
    async load() {
      try {
        const b = await api.get(`/api/v1/bookings/${this.id}`)
        const venue = this.data.venue || (await api.get(`/api/v1/venues/${b.venue_id}`))
        this.setData(Object.assign({ venue, error: '' }, this.shown(b)))
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    // What the page shows of a booking, and which buttons.
    // Only its member changes, cancels, ends it or asks others to co-organise; a co-organiser
    // checks it in too.
    shown(b) {
      const before = Date.now() < Date.parse(b.starts_at)
      const me = (api.user() || {}).id
      const mine = b.user_id === me
      const live = LIVE.indexOf(b.status) >= 0 && Date.now() < Date.parse(b.ends_at)
      return {
        booking: b,
        statusText: format.STATUS[b.status],
        when: `${format.day(b.date)} ${b.start}–${b.end}`,
        // More time asked in a hall that needs approval: the booking's own time holds meanwhile.
        extensionText: b.extension
          ? `已申请改为 ${b.extension.start}–${b.extension.end}，等待管理员同意；同意前仍按原来的时间。`
          : '',
        mine,
        amCoorganiser: !mine && b.coorganisers.some((c) => c.id === me),
        coorganiserNames: b.coorganisers.map((c) => c.name || '（未填姓名）').join('、'),
        canInvite: mine && live && b.coorganisers.length < 2,
        canCancel: mine && (b.status === 'pending' || b.status === 'confirmed'),
        canCheckIn: b.status === 'confirmed',
        canEnd: mine && b.status === 'checked_in',
        canChange: mine && (((b.status === 'pending' || b.status === 'confirmed') && before) || b.status === 'checked_in'),
        editing: false,
      }
    },
    // The invitation: a code the server keeps only as a hash, sent as a WeChat card.
    async invite() {
      try {
        const r = await api.post(`/api/v1/bookings/${this.id}/coorganisers/invitation`, {})
        this.setData({ inviteCode: r.code, error: '', done: '请点“发给协办人”，在微信里选要请的人。一张邀请只请一位，最多请两位。' })
        return r
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
    // One card per invitation: it seats one member, so the next person needs a new one.
    onShareAppMessage() {
      const card = {
        title: `请您协办：${this.data.venue.name} ${this.data.when}`,
        path: `/pages/coorganise/index?code=${this.data.inviteCode}`,
      }
      this.setData({ inviteCode: '' })
      return card
    },
    async remove(e) {
      const c = this.data.booking.coorganisers.find((x) => x.id === Number(e.currentTarget.dataset.id))
      const ask = await wxp.call('showModal', {
        title: '不再请他协办',
        content: `确定不再请${c.name || '这位成员'}协办吗？他将看不到这条预约，也不能替您签到。`,
        confirmText: '确定',
        cancelText: '再想想',
      })
      if (!ask.confirm) return null
      try {
        const b = await api.del(`/api/v1/bookings/${this.id}/coorganisers/${c.id}`)
        this.setData(Object.assign(this.shown(b), { done: '已不再请他协办。' }))
        return b
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
    async leave() {
      const ask = await wxp.call('showModal', {
        title: '不再做协办人',
        content: '确定不再做这场活动的协办人吗？之后您看不到这条预约，也不能替预约人签到。',
        confirmText: '确定',
        cancelText: '再想想',
      })
      if (!ask.confirm) return null
      try {
        await api.del(`/api/v1/bookings/${this.id}/coorganisers/${(api.user() || {}).id}`)
        this.setData({ booking: null, done: '您已不再是这场活动的协办人。' })
        return true
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
    // The change form: the hall's slots from four hours before to four hours after, the
    // meeting's own values filled in; while it runs, only the end.
    startChange() {
      const b = this.data.booking
      const step = this.data.venue.slot_minutes
      const from = Math.max(0, minutes(b.start) - 240)
      const to = Math.min(24 * 60, (b.end === '24:00' ? 24 * 60 : minutes(b.end)) + 240)
      const times = []
      for (let m = from - (from % step); m <= to; m += step) times.push(hhmm(m))
      this.key = drafts.newKey()
      this.setData({
        editing: true,
        running: b.status === 'checked_in',
        times,
        form: { start: b.start, end: b.end, attendees: String(b.attendees), purpose: b.purpose },
        startIndex: Math.max(0, times.indexOf(b.start)),
        endIndex: Math.max(0, times.indexOf(b.end)),
        error: '',
        done: '',
      })
    },
    stopChange() {
      this.setData({ editing: false })
    },
    pickStart(e) {
      const i = Number(e.detail.value)
      this.setData({ startIndex: i, 'form.start': this.data.times[i] })
    },
    pickEnd(e) {
      const i = Number(e.detail.value)
      this.setData({ endIndex: i, 'form.end': this.data.times[i] })
    },
    inputAttendees(e) {
      this.setData({ 'form.attendees': e.detail.value })
    },
    inputPurpose(e) {
      this.setData({ 'form.purpose': e.detail.value })
    },
    // Only what changed is sent; after the deadline the server names the penalty and we ask.
    async saveChange(acceptPenalty) {
      const b = this.data.booking
      const f = this.data.form
      const body = {}
      if (f.start !== b.start) body.start = f.start
      if (f.end !== b.end) body.end = f.end
      if (Number(f.attendees) !== b.attendees) body.attendees = Number(f.attendees)
      if (f.purpose !== b.purpose) body.purpose = f.purpose
      if (Object.keys(body).length === 0) {
        this.setData({ editing: false })
        return null
      }
      if (acceptPenalty === true) body.accept_penalty = true
      try {
        const changed = await api.patch(`/api/v1/bookings/${this.id}`, body, { 'Idempotency-Key': this.key })
        this.setData(Object.assign(this.shown(changed), {
          done: changed.status === 'pending'
            ? '已修改，新的用途要等管理员确认。'
            : changed.extension && (body.start || body.end)
              ? '已申请加长，管理员同意后生效。加长的时间先为您留着。'
              : '已修改。',
        }))
        return changed
      } catch (err) {
        this.key = drafts.newKey() // refused: the next attempt is a new request
        if (err.code === 'too_late_to_cancel' && acceptPenalty !== true) {
          const ask = await wxp.call('showModal', {
            title: '修改预约',
            content: LATE_SHRINK(err.details.penalty),
            confirmText: '确定修改',
            cancelText: '不改了',
          })
          return ask.confirm ? this.saveChange(true) : null
        }
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
    // After the hall's deadline a cancellation is late (the server decides; we warn first).
    isLate() {
      const b = this.data.booking
      const deadline = Date.parse(b.starts_at) - this.data.venue.cancel_deadline_minutes * 60000
      return b.status === 'confirmed' && Date.now() >= deadline
    },
    async cancel() {
      const late = this.isLate()
      const ask = await wxp.call('showModal', {
        title: '取消预约',
        content: late ? LATE_WARNING : '确定要取消这条预约吗？取消后别人就可以预约这个时段了。',
        confirmText: '确定取消',
        cancelText: '不取消',
      })
      if (!ask.confirm) return null
      return this.sendCancel(late)
    },
    async sendCancel(acceptPenalty) {
      try {
        const b = await api.post(`/api/v1/bookings/${this.id}/cancel`, { accept_penalty: acceptPenalty })
        this.setData(Object.assign(this.shown(b), { done: '已取消' }))
        return b
      } catch (err) {
        if (err.code === 'too_late_to_cancel' && !acceptPenalty) {
          const ask = await wxp.call('showModal', { title: '取消预约', content: LATE_WARNING, confirmText: '确定取消', cancelText: '不取消' })
          return ask.confirm ? this.sendCancel(true) : null
        }
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
    // The meeting is over before its time: the rest goes back to the hall (no penalty).
    async end() {
      const ask = await wxp.call('showModal', {
        title: '提前结束',
        content: '活动已经结束了吗？结束后，剩下的时间别人就可以预约了，不算违约。',
        confirmText: '结束',
        cancelText: '还没结束',
      })
      if (!ask.confirm) return null
      try {
        const b = await api.post(`/api/v1/bookings/${this.id}/end`, {})
        this.setData(Object.assign(this.shown(b), { done: `已结束。${b.end} 以后的时间别人可以预约了。` }))
        return b
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
    checkIn() {
      wx.navigateTo({ url: '/pages/checkin/index' })
    },
    async addToCalendar() {
      const b = this.data.booking
      try {
        await wxp.call('addPhoneCalendar', {
          title: `${this.data.venue.name}：${b.purpose}`,
          startTime: Math.floor(Date.parse(b.starts_at) / 1000),
          endTime: Math.floor(Date.parse(b.ends_at) / 1000),
          description: '共享空厅预约',
          alarm: true,
          alarmOffset: 3600,
        })
        this.setData({ done: '已加入手机日历' })
      } catch (e) {
        this.setData({ error: '没能加入日历，可以在手机设置里允许微信使用日历后再试。' })
      }
    },
  },
})
