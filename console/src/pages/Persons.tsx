/** 人员查询: search the region by 个人编号, name or ID number, open a person's page. */
import { Card } from 'antd'
import { PageHeader } from '../components/PageHeader'
import { PersonSearch } from '../components/PersonSearch'
import { Link } from '../router'

export default function Persons() {
  return (
    <>
      <PageHeader title="人员查询" sub="只能查到本辖区的人员。查看完整姓名和身份证号会记入审计日志。" />
      <Card>
        <PersonSearch action={(hit) => <Link to={`/persons/${hit.personId}`} data-testid={`person-open-${hit.personNo}`}>查看详情</Link>} />
      </Card>
    </>
  )
}
