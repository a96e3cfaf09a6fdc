#include "tools/door/door_loop.h"
#include "tools/door/door_tau.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include "tools/door/door_gallery.h"
#include "tools/door/door_gallery_watch.h"
#include "tools/door/door_mqtt.h"
#include "tools/door/door_visit_log.h"

namespace fg::door {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// False when the line is not recorded. Under --on-log-failure deny that ends the run: the
// door must not open, nor go on deciding, without a record.
bool write_line(Door& d, const std::string& json) {
  Status s = audit_log_write(d.log, json);
  if (s) {
    door_mqtt_line(d, json);
    return true;
  }
  ++d.counters.errors;
  if (d.cfg.log_failure_deny) {
    if (!d.log_failed)
      std::fprintf(stderr, "facegate-door: event log_failure: %s; --on-log-failure deny: nothing is opened without a "
                           "record, stopping (exit 5)\n", s.message().c_str());
    d.log_failed = true;
  } else {
    std::fprintf(stderr, "facegate-door: event log_failure: %s (--on-log-failure continue)\n", s.message().c_str());
  }
  return false;
}

// Re-reads the gallery when its file changed (checked at most once a second).
void maybe_refresh_gallery(Door& d) {
  const double now = door_now_s(d);
  if (now < d.next_gallery_check_s) return;
  d.next_gallery_check_s = now + 1.0;
  door_gallery_poll(d);
}

struct FaceTimes {
  double landmarks = 0, liveness = 0, embed = 0, match = 0;
};

}  // namespace

bool door_write_line(Door& d, const std::string& json) { return write_line(d, json); }

double door_now_s(const Door& d) { return std::chrono::duration<double>(Clock::now() - d.start).count(); }

double door_frame_time_s(const Door& d, int64_t frame_no) {
  return d.frame_period_s > 0 ? (double)frame_no * d.frame_period_s : door_now_s(d);
}

Status door_open(const DoorConfig& cfg, const std::string& model_dir, Door* d) {
  d->cfg = cfg;
  d->start = Clock::now();
  latency_stats_init(&d->stats);
  d->visits.policy.options = cfg.policy;
  d->visits.options = cfg.visit;
  d->frame_period_s = cfg.frame_interval_s;
  d->track.options = cfg.track;
  FG_RETURN_IF_ERROR(face_pipeline_open(model_dir, cfg.pipeline, &d->pipe));
  d->model_id = door_encoder_model_id(d->pipe);
  FG_RETURN_IF_ERROR(door_gallery_access(cfg, &d->gallery_access));
  if (!cfg.enroll.empty())
    FG_RETURN_IF_ERROR(door_enroll(d->pipe, cfg.gallery, d->model_id, d->gallery_access, cfg.enroll));
  if (cfg.source.empty()) return Status::ok();  // enrol-only run
  // With --gallery-mqtt a door may start without a gallery file: it then grants nobody until
  // a verified snapshot is installed (door_gallery_watch.h, gallery_waiting). Without it, a
  // missing file is an error as ever.
  const bool bootstrap = !cfg.mqtt.gallery_topic.empty() && !gallery_file_stamp(cfg.gallery).exists;
  if (!bootstrap) FG_RETURN_IF_ERROR(door_open_gallery(cfg.gallery, d->model_id, d->gallery_access, &d->gallery));
  d->next_gallery_check_s = 1.0;  // first check a second from now
  FG_RETURN_IF_ERROR(door_liveness_open(cfg.liveness, model_dir, cfg.pipeline.backend, &d->liveness, cfg.pipeline.int8));
  FG_RETURN_IF_ERROR(actuator_open(cfg.actuator, &d->actuator));
  if (Status s = audit_log_open(cfg.log, &d->log); !s) {
    d->log_failed = true;  // the caller exits with kExitLogFailure
    return s;
  }
  FG_RETURN_IF_ERROR(door_mqtt_open(*d));
  FG_RETURN_IF_ERROR(snapshot_open(cfg.snapshots, &d->snapshots));
  door_tau_refresh(*d);  // no-op until a gallery exists (--gallery-mqtt bootstrap)
  GalleryInfo info{};
  if (d->gallery) info = gallery_info(*d->gallery);
  char detail[256];
  std::snprintf(detail, sizeof detail, "gallery %zu people / %zu records%s, %s, %d of %d frames, liveness %s",
                info.persons, info.live_records, d->gallery ? "" : " (none yet: no grants)",
                door_tau_describe(*d).c_str(), cfg.policy.votes, cfg.policy.window,
                liveness_mode_name(cfg.liveness.mode));
  // "format": the audit line / MQTT event schema (docs/json.md); 2 = the CLI's field names.
  write_line(*d, "{\"time\":\"" + utc_timestamp() + "\",\"event\":\"start\",\"format\":" +
                     std::to_string(kAuditFormat) + ",\"detail\":" + json_string(detail) + "}");
  door_gallery_watch_start(*d);  // records the file's stamp; logs refused records
  return Status::ok();
}

void door_event(Door& d, const char* event, const std::string& detail) {
  std::string j = "{\"time\":\"" + utc_timestamp() + "\",\"event\":\"" + event + "\"";
  if (!detail.empty()) j += ",\"detail\":" + json_string(detail);
  write_line(d, j + "}");
}

void door_bad_frame(Door& d, const std::string& label, const std::string& error) {
  door_mqtt_poll(d);
  ++d.counters.frames;
  ++d.counters.bad_frames;
  std::fprintf(stderr, "facegate-door: frame %lld (%s) skipped: %s\n", (long long)d.counters.frames, label.c_str(),
               error.c_str());
  write_line(d, "{\"time\":\"" + utc_timestamp() + "\",\"event\":\"bad_frame\",\"frame\":" +
                    std::to_string(d.counters.frames) + ",\"image\":" + json_string(label) +
                    ",\"detail\":" + json_string(error) + "}");
}

// The track found another face (door_track.h): the visit ends here, so its votes and
// liveness state do not carry over to whoever stands there now.
static void end_visit_track_lost(Door& d) {
  VisitVerdict v;
  bool ended_decided = false;
  if (visit_end(d.visits, "track_lost", &v, &ended_decided)) door_visit_verdict(d, v, d.evidence);
  else if (ended_decided && d.cfg.log_frames) door_visit_end_line(d, v);
  door_liveness_reset(d.liveness);
}

// One frame from its detector (or tracked box) on. False: the tracked face was lost (or
// liveness is to judge it) and nothing of the frame was decided: run it again, allow_track false.
static bool frame_faces(Door& d, const Image& frame, const std::string& label, double source_ms,
                        Clock::time_point t_frame, int64_t frame_no, bool allow_track) {
  const bool track_on = !d.cfg.all_faces && d.track.options.redetect_every > 0;
  FaceBox predicted;
  const bool tracked = allow_track && track_on && door_track_predict(d.track, frame.width, frame.height, &predicted);
  Status s;
  double detect_ms = 0;
  if (tracked) {
    d.boxes.assign(1, predicted);
  } else {
    const Clock::time_point t_detect = Clock::now();
    s = face_pipeline_detect(d.pipe, frame, &d.boxes);
    detect_ms = ms_since(t_detect);
    latency_record(d.stats, Stage::kDetect, detect_ms);
  }
  if (!s) {
    --d.counters.frames;  // door_bad_frame counts it
    door_bad_frame(d, label, s.message());
    return true;
  }
  const double t_visit = door_frame_time_s(d, frame_no);
  if (d.boxes.empty()) {
    door_track_drop(d.track, TrackLoss::kNone);  // the face is gone: the next frame detects
    ++d.counters.no_face;
    latency_record(d.stats, Stage::kFrame, ms_since(t_frame));
    if (!d.cfg.quiet && d.cfg.log_frames) std::printf("frame %lld %s: no face\n", (long long)frame_no, label.c_str());
    d.visit_faces.clear();
    visit_step(d.visits, frame_no, t_visit, d.visit_faces, &d.visit_step);
    door_visit_apply(d, frame, label, nullptr, nullptr);  // a visit may end here
    actuator_poll(d.actuator, door_now_s(d));
    if (!d.cfg.quiet) std::fflush(stdout);
    return true;
  }
  // Largest face first; only that one unless --all-faces.
  d.order.resize(d.boxes.size());
  for (size_t i = 0; i < d.order.size(); ++i) d.order[i] = (int)i;
  std::stable_sort(d.order.begin(), d.order.end(), [&](int a, int b) {
    return d.boxes[a].width * d.boxes[a].height > d.boxes[b].width * d.boxes[b].height;
  });
  const size_t n_faces = d.cfg.all_faces ? d.order.size() : 1;
  FaceTimes total;
  bool live_scored = false;
  bool retry = false;  // the tracked face was lost: this frame again, with the detector
  d.visit_faces.clear();
  d.visit_boxes.clear();
  std::vector<FaceTimes> times;
  // A new visit starts its liveness afresh (blink, planarity, N of M).
  if (visit_would_start(d.visits, t_visit)) door_liveness_reset(d.liveness);
  for (size_t k = 0; k < n_faces; ++k) {
    const FaceBox& box = d.boxes[d.order[k]];
    FaceTimes ft;
    Clock::time_point t = Clock::now();
    s = face_pipeline_landmarks(d.pipe, frame, box, &d.face);
    ft.landmarks = ms_since(t);
    if (track_on && s) {
      if (tracked && door_track_check_fit(d.track, box, d.face.landmarks) != TrackLoss::kNone) {
        door_track_drop(d.track, TrackLoss::kFit);
        retry = true;
        break;
      }
      if (!tracked) door_track_detected(d.track, box, d.face.landmarks, frame.width, frame.height);
    }
    t = Clock::now();
    if (s) s = face_pipeline_embed(d.pipe, frame, &d.face);
    ft.embed = ms_since(t);
    t = Clock::now();
    if (!d.gallery) d.matches.clear();  // no gallery yet: nobody is near, nobody is granted
    else if (s) s = gallery_identify(*d.gallery, d.face.embedding, kEmbeddingDim, IdentifyOptions{}, &d.matches);
    ft.match = ms_since(t);
    if (track_on) {
      const bool within = s && !d.matches.empty() && d.matches[0].distance <= d.cfg.policy.tau;
      const std::string person = within ? d.matches[0].name : std::string();
      const TrackLoss loss = s ? door_track_check_face(d.track, d.face.embedding, person) : TrackLoss::kNone;
      if (loss != TrackLoss::kNone) {
        door_track_drop(d.track, loss);
        end_visit_track_lost(d);  // another face: nobody inherits the votes
        if (tracked) {
          retry = true;
          break;
        }
        door_track_detected(d.track, box, d.face.landmarks, frame.width, frame.height);  // follow the new face
      }
      if (!s) door_track_drop(d.track, TrackLoss::kNone);
      else {
        // Liveness judges a face within tau in an undecided visit: the next such frame detects.
        const bool live_next = d.liveness.options.mode != LivenessMode::kOff && within &&
                               (!d.visits.decided || visit_would_start(d.visits, t_visit));
        door_track_update(d.track, d.face.landmarks, d.face.embedding, person, live_next);
        if (tracked) ++d.track.since_detect, ++d.track.tracked_frames;
        else ++d.track.detector_frames;
      }
    }
    // Liveness only where it can change the outcome: a face within tau of someone, in a visit
    // not yet decided. A stranger's photo stays "unknown" (it opens nothing either way), and
    // the nets' ~3 ms are not spent on it nor on the rest of a decided visit.
    t = Clock::now();
    FaceLiveness live;
    const bool may_open = s && !d.matches.empty() && d.matches[0].distance <= d.cfg.policy.tau &&
                          (!d.visits.decided || visit_would_start(d.visits, t_visit));
    // A tracked box never reaches liveness (door_track.h): such a frame runs the detector,
    // also when the face began to match only now.
    // With liveness off a tracked box is as good as a detected one: no re-run then.
    if (may_open && tracked && d.liveness.options.mode != LivenessMode::kOff) {
      if (track_on) --d.track.tracked_frames;  // counted above; the re-run counts it again
      retry = true;
      break;
    }
    if (may_open) live = door_liveness_face(d.liveness, frame, box, d.face.landmarks, t_visit, k == 0);
    live_scored = live_scored || live.checked;
    ft.liveness = ms_since(t);
    total.landmarks += ft.landmarks;
    total.liveness += ft.liveness;
    total.embed += ft.embed;
    total.match += ft.match;
    if (!s) {  // a face the aligner/encoder could not handle: reported, not decided
      ++d.counters.errors;
      door_event(d, "face_error", "frame " + std::to_string(frame_no) + " " + label + ": " + s.message());
      continue;
    }
    ++d.counters.faces;
    const bool any = !d.matches.empty();
    d.visit_faces.push_back({any ? d.matches[0].name : "", any ? d.matches[0].distance : -1.f, live});
    // The audit line's box: a tracked frame's is the one the detector would have given for
    // these landmarks (by the last detection), not the prediction the landmark net ran on.
    d.visit_boxes.push_back(tracked ? door_track_box_for(d.track, d.face.landmarks) : box);
    times.push_back(ft);
  }
  if (retry) return false;
  latency_record(d.stats, Stage::kLandmarks, total.landmarks);
  if (live_scored) latency_record(d.stats, Stage::kLiveness, total.liveness);
  latency_record(d.stats, Stage::kEmbed, total.embed);
  latency_record(d.stats, Stage::kMatch, total.match);
  const double decided_ms = ms_since(t_frame);
  const Clock::time_point t_act = Clock::now();
  visit_step(d.visits, frame_no, t_visit, d.visit_faces, &d.visit_step);
  std::vector<std::string> latency(times.size());
  for (size_t k = 0; k < times.size(); ++k)
    latency[k] = door_latency_json(source_ms, detect_ms, times[k].landmarks, times[k].embed, times[k].match, decided_ms);
  door_visit_apply(d, frame, label, &d.visit_boxes, &latency);
  actuator_poll(d.actuator, door_now_s(d));
  latency_record(d.stats, Stage::kAct, ms_since(t_act));
  latency_record(d.stats, Stage::kFrame, ms_since(t_frame));
  if (!d.cfg.quiet) std::fflush(stdout);
  return true;
}

void door_process_frame(Door& d, const Image& frame, const std::string& label, double source_ms) {
  const Clock::time_point t_frame = Clock::now();
  door_mqtt_poll(d);  // commands run between frames, on this thread
  const int64_t frame_no = ++d.counters.frames;
  if (source_ms >= 0) latency_record(d.stats, Stage::kSource, source_ms);  // < 0: --bench, from memory
  maybe_refresh_gallery(d);
  door_tau_refresh(d);  // --fpir: the gallery may have changed size
  if (!frame_faces(d, frame, label, source_ms, t_frame, frame_no, true))
    (void)frame_faces(d, frame, label, source_ms, t_frame, frame_no, false);
}

void door_close(Door& d) {
  if (d.log.fd >= 0 && !d.log_failed) {
    VisitVerdict v;
    bool ended_decided = false;
    if (visit_end(d.visits, "stop", &v, &ended_decided)) {
      door_visit_verdict(d, v, d.evidence);
    } else if (ended_decided && d.cfg.log_frames) {
      door_visit_end_line(d, v);
    }
  }
  actuator_close(d.actuator);
  if (d.log.fd >= 0) {
    char detail[200];
    std::snprintf(detail, sizeof detail,
                  "frames %lld, visits %lld, grants %lld, denies %lld, unknown %lld, spoof %lld, bad frames %lld",
                  (long long)d.counters.frames, (long long)d.counters.visits, (long long)d.counters.grants, (long long)d.counters.denies,
                  (long long)d.counters.unknowns, (long long)d.counters.spoofs, (long long)d.counters.bad_frames);
    door_event(d, "stop", detail);
  }
  door_mqtt_close(d);
  audit_log_close(d.log);
}

}  // namespace fg::door
