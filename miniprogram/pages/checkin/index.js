// 签到, opened by the hall's printed code (its scene is the hall's code) or by scanning it here.
// The owner of a booking at this hall checks it in (POST /bookings/{id}/checkin); everyone else
// is counted as present (POST /checkins). Outside the check-in window the page shows the window.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const format = require('../../utils/format')
const { scanCode } = require('../../utils/scan')

Component({
  data: { result: '', window: '', error: '', present: -1 },
  methods: {
    onLoad(query) {
      if (query && query.scene) return this.checkIn(decodeURIComponent(query.scene))
      return Promise.resolve()
    },
    async scan() {
      let code
      try {
        code = await scanCode()
      } catch (e) {
        this.setData({ error: '没有扫到场地的二维码，请对准场地门口的签到码再试一次。' })
        return
      }
      await this.checkIn(code)
    },
    async checkIn(code) {
      this.setData({ result: '', window: '', error: '', present: -1 })
      try {
        // The member's confirmed bookings, soonest first: the server knows which is at this
        // hall and whether its window is open (the phone's own clock may be wrong).
        const mine = await api.get('/api/v1/me/bookings?status=confirmed')
        const soonest = mine.items.slice().sort((x, y) => (x.starts_at < y.starts_at ? -1 : 1))
        let window = null
        for (const b of soonest) {
          try {
            await api.post(`/api/v1/bookings/${b.id}/checkin`, { venue_code: code })
            this.setData({ result: `签到成功：${b.start}–${b.end}，${b.purpose}。请让参加的同志也扫一下这个码。` })
            return
          } catch (err) {
            if (err.code === 'checkin_window_closed') window = err.details
            else if (err.code !== 'wrong_venue') throw err
          }
        }
        if (window) {
          const opens = format.timeOf(Date.parse(window.opens_at))
          const closes = format.timeOf(Date.parse(window.closes_at))
          this.setData({ window: `现在不在签到时间内。签到时间是 ${opens} 到 ${closes}。` })
          return
        }
        const scan = await api.post('/api/v1/checkins', { venue_code: code })
        this.setData({
          present: scan.present,
          result: scan.counted ? `已签到，现在到场 ${scan.present} 人。` : `您已经签过到了，现在到场 ${scan.present} 人。`,
        })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
  },
})
