// Publish a new hall or edit one: its building, name, seats, floor, what it has, whether
// requests need approval, and its daily opening hours (the same every day here; the console
// sets different hours per weekday).
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const format = require('../../utils/format')

const FACILITIES = Object.keys(format.FACILITY)

Component({
  data: {
    id: 0,
    buildings: [],
    buildingIndex: 0,
    name: '',
    capacity: '',
    floor: '',
    description: '',
    approval: false,
    facilities: FACILITIES.map((key) => ({ key, name: format.FACILITY[key], on: false })),
    open: '08:00',
    close: '21:00',
    error: '',
    done: '',
  },
  methods: {
    onLoad(query) {
      this.setData({ id: Number((query && query.id) || 0) })
      return this.load()
    },
    async load() {
      try {
        const me = api.remember(await api.get('/api/v1/me'))
        const all = await api.get('/api/v1/buildings')
        const buildings = all.items.filter((b) => me.role !== 'manager' || me.building_ids.indexOf(b.id) >= 0)
        this.setData({ buildings: buildings.map((b) => ({ id: b.id, name: b.name })) })
        if (!this.data.id) return
        const v = await api.get(`/api/v1/venues/${this.data.id}`)
        const first = v.weekly_hours[0]
        this.setData({
          buildingIndex: Math.max(0, buildings.findIndex((b) => b.id === v.building_id)),
          name: v.name,
          capacity: String(v.capacity),
          floor: v.floor,
          description: v.description,
          approval: v.requires_approval,
          facilities: this.data.facilities.map((f) => Object.assign({}, f, { on: v.facilities.indexOf(f.key) >= 0 })),
          open: first ? first.open : this.data.open,
          close: first ? first.close : this.data.close,
        })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    input(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value })
    },
    pickBuilding(e) {
      this.setData({ buildingIndex: Number(e.detail.value) })
    },
    toggleApproval(e) {
      this.setData({ approval: e.detail.value })
    },
    pickFacilities(e) {
      const on = e.detail.value
      this.setData({ facilities: this.data.facilities.map((f) => Object.assign({}, f, { on: on.indexOf(f.key) >= 0 })) })
    },
    async save() {
      const d = this.data
      if (!d.buildings.length) {
        this.setData({ error: '您还没有可以发布场地的楼宇，请联系街道管理员。' })
        return null
      }
      const body = {
        building_id: d.buildings[d.buildingIndex].id,
        name: d.name.trim(),
        capacity: Number(d.capacity),
        floor: d.floor.trim(),
        description: d.description.trim(),
        requires_approval: d.approval,
        facilities: d.facilities.filter((f) => f.on).map((f) => f.key),
        weekly_hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, open: d.open, close: d.close })),
      }
      try {
        const v = d.id ? await api.patch(`/api/v1/venues/${d.id}`, body) : await api.post('/api/v1/venues', body)
        this.setData({ id: v.id, done: d.id ? '已保存。' : '已发布，党员现在可以预约了。', error: '' })
        return v
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
  },
})
