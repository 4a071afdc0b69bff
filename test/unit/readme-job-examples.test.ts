import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQueueDefinition } from '../../functions/core/queue-config';
import { queueSettingsOf } from '../../functions/core/runtime-config';
import { validateJobRequest } from '../../functions/handlers/workflows/accept-job';
import { catalog } from '../../lib/catalog';

/** Every `POST …/jobs/<queue>` in README that sends a body (`-d '…'`), with the queue and the body as written. */
function readmeJobPosts(): { queue: string; body: string }[] {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const posts: { queue: string; body: string }[] = [];
  for (const match of readme.matchAll(/curl[^\n]*-X POST [^\s"']*\/jobs\/([a-z0-9-]+)[^\n]*(?:\\\n[^\n]*)*?-d '([^']*)'/g)) {
    posts.push({ queue: match[1] ?? '', body: match[2] ?? '' });
  }
  return posts;
}

describe("README's job examples", () => {
  const posts = readmeJobPosts();

  it('are found', () => {
    expect(posts.map((post) => post.queue)).toContain('payments');
  });

  it.each(posts.map((post) => [post.queue, post.body] as const))('post to %s a body its queue accepts: %s', (queue, body) => {
    // Prepare
    const entry = catalog.find((candidate) => candidate.name === queue);
    if (entry === undefined) throw new Error(`README posts to ${queue}, which the catalog has not`);

    // Act
    const check = () => validateJobRequest(queueSettingsOf(parseQueueDefinition(entry)), JSON.parse(body));

    // Assess
    expect(check).not.toThrow();
  });
});
