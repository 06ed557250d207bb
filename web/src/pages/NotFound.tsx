import { Button } from '@mantine/core';
import { Link } from 'react-router';
import { Empty } from '../components/States';

export default function NotFound() {
  return (
    <Empty title="There is no page here">
      The link may be old or mistyped.{' '}
      <Button component={Link} to="/portfolio" variant="subtle" size="compact-sm">
        Go to the portfolio
      </Button>
    </Empty>
  );
}
