// 场地管理: the requests waiting for this manager's decision, new bookings and more time asked for
// confirmed ones (approve, or reject with a reason the member reads) with how long the oldest has waited, a tap to be told of new ones by WeChat,
// and the halls this manager looks after.
const api = require('../../utils/api')
const config = require('../../utils/config')
const errors = require('../../utils/errors')
const format = require('../../utils/format')
const subscribe = require('../../utils/subscribe')
const venues = require('../../utils/venues')

// "最早的申请已等 3 小时，其中 1 条一天内就要开始。" from GET /manage/summary; '' when none waits.
function waitingText(summary) {
  if (!summary.pending) return ''
  const hours = Math.floor((Date.now() - Date.parse(summary.oldest_at)) / 3600000)
  const waited = hours < 1 ? '不到 1 小时' : hours < 48 ? `${hours} 小时` : `${Math.floor(hours / 24)} 天`
  const soon = summary.starting_within_24h ? `，其中 ${summary.starting_within_24h} 条一天内就要开始，请尽快处理` : ''
  return `最早的申请已等${waited}${soon}。`
}

Component({
  data: { requests: [], halls: [], reasons: {}, waiting: '', admin: false, subscribed: '', error: '', done: '', loaded: false },
  methods: {
    onLoad() {
      return this.load()
    },
    async load() {
      try {
        const me = api.remember(await api.get('/api/v1/me'))
        const pending = await api.get('/api/v1/manage/bookings?awaiting=true')
        const names = await venues.names(pending.items.map((b) => b.venue_id))
        const requests = pending.items.map((b) => ({
          id: b.id,
          hall: names[b.venue_id],
          when: `${format.day(b.date)} ${b.start}–${b.end}`,
          what: `${b.purpose}，${b.attendees}人`,
          // A confirmed booking asking for more time: what it has, and what it asks.
          extension: b.extension ? `已约好的预约申请加长，改为 ${b.extension.start}–${b.extension.end}` : '',
          org: b.org,
        }))
        let halls = []
        for (const building of me.building_ids) {
          const page = await api.get(`/api/v1/venues?building_id=${building}`)
          halls = halls.concat(page.items.map((v) => ({ id: v.id, name: v.name })))
        }
        const summary = await api.get('/api/v1/manage/summary')
        const admin = me.role === 'street_admin' || me.role === 'district_admin'
        this.setData({ requests, halls, waiting: waitingText(summary), admin, loaded: true, error: '' })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    // Asked only on this tap (WeChat's rule): a WeChat message when a request waits for them.
    async subscribe() {
      const none = '没有开启微信提醒，新的申请会在“消息”里告诉您。'
      try {
        const banked = await subscribe.ask([config.TEMPLATES.request])
        const n = banked ? banked[config.TEMPLATES.request] || 0 : 0
        this.setData({ subscribed: n ? `好的，有新的申请时会用微信提醒您，还可以提醒 ${n} 次。` : none })
      } catch (err) {
        this.setData({ subscribed: err.errMsg ? none : errors.sentence(err) })
      }
    },
    openClosures() {
      wx.navigateTo({ url: '/pages/manage/closures' })
    },
    openAppeals() {
      wx.navigateTo({ url: '/pages/manage/appeals' })
    },
    inputReason(e) {
      this.setData({ [`reasons.${e.currentTarget.dataset.id}`]: e.detail.value })
    },
    async approve(e) {
      return this.decide(Number(e.currentTarget.dataset.id), 'approve', {})
    },
    async reject(e) {
      const id = Number(e.currentTarget.dataset.id)
      const reason = (this.data.reasons[id] || '').trim()
      if (!reason) {
        this.setData({ error: '请写上不通过的原因，申请人会看到。' })
        return null
      }
      return this.decide(id, 'reject', { reason })
    },
    async decide(id, action, body) {
      try {
        const b = await api.post(`/api/v1/bookings/${id}/${action}`, body)
        this.setData({
          requests: this.data.requests.filter((r) => r.id !== id),
          done: action === 'approve' ? '已通过，申请人会收到通知。' : '已拒绝，申请人会收到通知和原因。',
          error: '',
        })
        return b
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        if (err.code === 'invalid_state') await this.load()
        return null
      }
    },
    openHall(e) {
      wx.navigateTo({ url: `/pages/manage/hall?id=${e.currentTarget.dataset.id}` })
    },
    newHall() {
      wx.navigateTo({ url: '/pages/manage/venue' })
    },
  },
})
