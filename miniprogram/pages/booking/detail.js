// One booking: where, when, its state, who came. Cancel, with the warning the hall's deadline
// implies (after it, cancelling counts as a late cancellation); check in; end a meeting early so
// that others can use the rest of the time; add to the calendar.
// Opened from the list, from a notice, and from a WeChat message (the server's page).
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const format = require('../../utils/format')
const wxp = require('../../utils/wxp')

const LATE_WARNING = '离开始已经很近了，现在取消会记一次“临近开始才取消”，记满会暂停预约。确定要取消吗？'

Component({
  data: { booking: null, venue: null, statusText: '', when: '', canCancel: false, canCheckIn: false, canEnd: false, error: '', done: '' },
  methods: {
    onLoad(query) {
      this.id = Number(query.id)
      return this.load()
    },
    async load() {
      try {
        const b = await api.get(`/api/v1/bookings/${this.id}`)
        const venue = this.data.venue || (await api.get(`/api/v1/venues/${b.venue_id}`))
        this.setData({
          booking: b,
          venue,
          statusText: format.STATUS[b.status],
          when: `${format.day(b.date)} ${b.start}–${b.end}`,
          canCancel: b.status === 'pending' || b.status === 'confirmed',
          canCheckIn: b.status === 'confirmed',
          canEnd: b.status === 'checked_in',
          error: '',
        })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
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
        this.setData({ booking: b, statusText: format.STATUS[b.status], canCancel: false, canCheckIn: false, done: '已取消' })
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
        this.setData({
          booking: b,
          statusText: format.STATUS[b.status],
          when: `${format.day(b.date)} ${b.start}–${b.end}`,
          canEnd: false,
          done: `已结束。${b.end} 以后的时间别人可以预约了。`,
        })
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
