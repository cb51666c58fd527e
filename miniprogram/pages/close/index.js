// Closing one's account (注销): what it does, said plainly, then asked once more. The server does
// it all in one call (DELETE /me); the phone then forgets its sign-in.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const wxp = require('../../utils/wxp')

Component({
  data: { closed: false, doneText: '', error: '' },
  methods: {
    onLoad() {},
    async close() {
      if (!(await wxp.ask('确定注销吗？', '注销后信息无法恢复。', '注销', '不注销'))) return
      try {
        const r = await api.del('/api/v1/me', { confirm: true })
        wx.removeStorageSync('sh_token')
        wx.removeStorageSync('sh_user')
        const cancelled = r.bookings_cancelled ? `已取消 ${r.bookings_cancelled} 个预约。` : ''
        this.setData({ closed: true, doneText: `账号已注销。${cancelled}感谢您使用共享空厅。`, error: '' })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    keep() {
      wx.navigateBack()
    },
  },
})
