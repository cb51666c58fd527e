// An invitation into a role (a hall's manager, a street's admin, a branch's secretary), opened
// by scanning its code (the scene is the invitation's code) or by scanning here. Nothing
// happens until the member taps to accept.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const format = require('../../utils/format')
const { scanCode } = require('../../utils/scan')

Component({
  data: { code: '', result: '', error: '' },
  methods: {
    onLoad(query) {
      if (query && query.scene) this.setData({ code: decodeURIComponent(query.scene) })
      return Promise.resolve()
    },
    async scan() {
      try {
        this.setData({ code: await scanCode(), error: '' })
      } catch (e) {
        this.setData({ error: '没有扫到邀请码，请再试一次。' })
      }
    },
    async accept() {
      if (!this.data.code) return this.scan()
      try {
        const user = api.remember(await api.post('/api/v1/invitations/accept', { code: this.data.code }))
        this.setData({ result: `已接受邀请，您现在是${format.ROLE[user.role]}。`, error: '' })
        return user
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
  },
})
