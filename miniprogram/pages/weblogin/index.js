// Confirms a console sign-in (the scene is the console's nonce). First it shows which browser
// asked — its address, what browser on what system, when — so a manager handed someone else's
// code "to check in" sees that it is a sign-in to the console from elsewhere, and can refuse.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const format = require('../../utils/format')

Component({
  data: { nonce: '', browser: '', address: '', askedAt: '', confirmed: false, error: '' },
  methods: {
    onLoad(query) {
      this.setData({ nonce: decodeURIComponent((query && query.scene) || '') })
      return this.load()
    },
    async load() {
      try {
        const c = await api.get(`/api/v1/auth/web-login/${this.data.nonce}/context`)
        this.setData({ browser: c.browser, address: c.client_ip, askedAt: format.moment(c.asked_at), error: '' })
      } catch (err) {
        this.setData({ error: err.code === 'not_found' ? '这个登录码已经失效了，请在电脑上刷新后重新扫码。' : errors.sentence(err) })
      }
    },
    async confirm() {
      try {
        await api.post(`/api/v1/auth/web-login/${this.data.nonce}`, {})
        this.setData({ confirmed: true, error: '' })
        return true
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return false
      }
    },
    refuse() {
      wx.switchTab({ url: '/pages/index/index' })
    },
  },
})
