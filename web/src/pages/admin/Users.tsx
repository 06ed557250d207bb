import { Empty } from '../../components/States';

/** Placeholder until this page is built (being built in this change). */
export default function Users() {
  return <Empty title="Users" />;
}
