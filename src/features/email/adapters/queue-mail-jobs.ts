import type { MailJob, MailJobs } from "../../../mail";

/** The producer side of the mail queue (a Cloudflare Queue binding). */
export function createQueueMailJobs(queue: Queue<MailJob>): MailJobs {
  return {
    async enqueue(job) {
      await queue.send(job, { contentType: "json" });
    },
  };
}
